namespace Optline.Server.Web.Assets;

/// <summary>The only JavaScript of the web app: live regions fed by server-sent events, and the template preview.</summary>
internal static class Scripts
{
    /// <summary>
    /// <c>[data-live-source]</c> names an event stream; on each <c>change</c> event every <c>[data-live-region]</c> re-fetches
    /// its fragment (server-rendered, already HTML-encoded) and replaces its content, keeping a scrolled-to-the-end list at the end.
    /// When <c>[data-live-key]</c> changes (the consent state), <c>[data-stale-on-change]</c> results are removed.
    /// </summary>
    public const string Live = """
        (() => {
          "use strict";
          const source = document.querySelector("[data-live-source]");
          const status = document.querySelector("[data-live-status]");
          const last = new WeakMap();
          const endOf = region => region.querySelector("[data-scroll-end]");
          const scrollToEnd = region => { const list = endOf(region); if (list) list.scrollTop = list.scrollHeight; };
          const keyOf = () => { const k = document.querySelector("[data-live-key]"); return k && k.getAttribute("data-live-key"); };
          document.querySelectorAll("[data-live-region]").forEach(scrollToEnd);
          const reveal = document.querySelector("[data-reveal]");
          if (reveal) reveal.scrollIntoView({ block: "nearest" });
          if (!source || !("EventSource" in window)) return;

          let busy = false, again = false;
          async function refresh() {
            if (busy) { again = true; return; }
            busy = true;
            const key = keyOf();
            try {
              for (const region of document.querySelectorAll("[data-live-region]")) {
                const response = await fetch(region.dataset.liveRegion, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
                if (response.redirected || response.status === 401 || response.status === 403) { location.reload(); return; }
                if (!response.ok) continue;
                const html = await response.text();
                if (last.get(region) === html) continue;
                const list = endOf(region);
                const atEnd = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 120;
                region.innerHTML = html;
                last.set(region, html);
                if (atEnd) scrollToEnd(region);
              }
              // A result shown for the state before (e.g. "held") would mislead once the state moved on.
              if (keyOf() !== key) document.querySelectorAll("[data-stale-on-change]").forEach(e => e.remove());
              if (status) status.textContent = "Updated " + new Date().toLocaleTimeString();
            } catch (e) {
              // The next change event retries.
            } finally {
              busy = false;
              if (again) { again = false; refresh(); }
            }
          }

          const events = new EventSource(source.dataset.liveSource);
          events.addEventListener("change", refresh);
          window.addEventListener("pagehide", () => events.close());
        })();
        """;

    /// <summary>
    /// Renders each template's preview as it is typed, with the chosen line's display name, the organization name and an
    /// example contact number, and warns about what the server will refuse (unknown variables, unclosed braces, empty text).
    /// It parses exactly as <c>MessageTemplate.TryParse</c> does. Values are set with textContent, never as HTML.
    /// </summary>
    public const string TemplatePreview = """
        (() => {
          "use strict";
          const root = document.querySelector("[data-preview-root]");
          if (!root) return;
          const known = ["UserName", "OrganizationName", "ContactNumber"];
          const lineSelect = document.getElementById("preview-line");

          function values() {
            const option = lineSelect && lineSelect.selectedOptions[0];
            return {
              UserName: option ? option.dataset.name : root.dataset.userName,
              OrganizationName: root.dataset.organization,
              ContactNumber: root.dataset.contact,
            };
          }

          function parse(text, v, typed) {
            const problems = [];
            let out = "", i = 0;
            if (typed && !text.trim()) problems.push("A template text cannot be empty.");
            while (i < text.length) {
              const open = text.indexOf("{", i);
              if (open < 0) { out += text.slice(i); break; }
              out += text.slice(i, open);
              const close = text.indexOf("}", open + 1);
              if (close < 0) { problems.push("The brace at position " + open + " is never closed."); out += text.slice(open); break; }
              const name = text.slice(open + 1, close);
              if (known.includes(name)) out += v[name];
              else { problems.push("Unknown variable {" + name + "}."); out += text.slice(open, close + 1); }
              i = close + 1;
            }
            return { out, problems };
          }

          function render(textarea, typed) {
            const preview = document.getElementById(textarea.dataset.preview);
            const warning = document.getElementById(textarea.dataset.warning);
            const result = parse(textarea.value, values(), typed);
            if (preview) preview.textContent = result.out;
            if (warning) {
              warning.textContent = result.problems.length
                ? result.problems.join(" ") + " Known variables: {UserName}, {OrganizationName}, {ContactNumber}. This text will be refused when saved."
                : "";
              warning.hidden = result.problems.length === 0;
            }
          }

          const all = () => document.querySelectorAll("textarea[data-preview]");
          all().forEach(textarea => {
            textarea.addEventListener("input", () => {
              // The server's verdict was about the text as it was; the live warning speaks for the text as it is now.
              const stale = textarea.dataset.serverError && document.getElementById(textarea.dataset.serverError);
              if (stale) { stale.hidden = true; textarea.removeAttribute("aria-invalid"); }
              render(textarea, true);
            });
            render(textarea, false);
          });
          if (lineSelect) lineSelect.addEventListener("change", () => all().forEach(t => render(t, false)));
        })();
        """;
}
