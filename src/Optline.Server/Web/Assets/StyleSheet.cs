namespace Optline.Server.Web.Assets;

/// <summary>
/// The one stylesheet of the web app, compiled into the server so there is no front-end build and nothing to copy.
/// Colours meet WCAG AA contrast; every interactive element has a visible focus ring; layouts fold to one column at phone width.
/// </summary>
internal static class StyleSheet
{
    public const string Css = """
        :root {
          --ink: #1a1f2b; --muted: #4a5263; --page: #f5f6f8; --surface: #fff; --line: #cfd4dd;
          --brand: #14213d; --accent: #1f4fd1; --accent-ink: #fff; --focus: #0b57d0;
          --ok: #0b6b3a; --ok-bg: #e3f4ea; --warn: #7a4d00; --warn-bg: #fff1cc; --bad: #a4161a; --bad-bg: #fde8e8;
          --notice-bg: #eceef2; --notice-ink: #363d4b; --radius: .6rem;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--page);
        }
        * { box-sizing: border-box; }
        body { margin: 0; line-height: 1.45; font-size: 1rem; }
        a { color: var(--accent); }
        a:hover { text-decoration-thickness: 2px; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
        .skip:focus { left: .5rem; }
        .visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

        .top { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1.25rem; padding: .6rem 1rem; background: var(--brand); color: #fff; }
        .top a, .top .link { color: #fff; }
        .top :focus-visible { outline-color: #ffd24d; }
        .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; letter-spacing: .02em; }
        .top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
        .top nav a { text-decoration: none; padding: .35rem 0; display: inline-block; }
        .top nav a[aria-current="page"] { border-bottom: 3px solid #ffd24d; font-weight: 600; }
        .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
        .who form { margin: 0; }
        .org { font-weight: 600; }

        main { max-width: 76rem; margin: 0 auto; padding: 1rem; }
        main:focus { outline: none; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .75rem; }
        h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
        .card { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin-bottom: 1rem; }
        .card > :first-child, .card > form > :first-child { margin-top: 0; }
        .narrow { max-width: 30rem; margin: 2rem auto; }
        .hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 .5rem; }

        label, .label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        input[type=text], input[type=password], input[type=number], input[type=tel], input[type=search], input[type=datetime-local], select, textarea {
          width: 100%; font: inherit; padding: .55rem .65rem; border: 1px solid #8a93a5; border-radius: .4rem; background: #fff; color: var(--ink); min-height: 2.75rem; }
        textarea { min-height: 5rem; resize: vertical; }
        input[aria-invalid=true], textarea[aria-invalid=true], select[aria-invalid=true] { border: 2px solid var(--bad); }
        .check { display: flex; gap: .5rem; align-items: center; font-weight: 600; margin: .75rem 0; }
        .check input { width: 1.25rem; height: 1.25rem; flex: 0 0 auto; }
        .check label { margin: 0; }
        .field-error { color: var(--bad); font-weight: 600; margin: .25rem 0; }
        fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: .25rem 1rem 1rem; margin: 0 0 1rem; }
        legend { font-weight: 700; padding: 0 .25rem; }
        .row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-start; }
        .row > * { flex: 1 1 12rem; min-width: 0; }
        .row.wide > * { flex-basis: 20rem; }
        .row > .shrink { flex: 0 0 auto; align-self: flex-end; }

        button, .button { font: inherit; font-weight: 600; cursor: pointer; border-radius: .4rem; border: 2px solid var(--accent); background: var(--accent); color: var(--accent-ink);
          padding: .5rem 1rem; min-height: 2.75rem; display: inline-flex; align-items: center; justify-content: center; text-decoration: none; gap: .4rem; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        button.link { background: none; border: 0; padding: 0; min-height: 0; text-decoration: underline; font-weight: 400; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .75rem; align-items: center; }

        .alert { border-radius: var(--radius); padding: .75rem 1rem; margin: 0 0 1rem; border: 1px solid; }
        .alert.ok { background: var(--ok-bg); border-color: var(--ok); color: #08482a; }
        .alert.warn { background: var(--warn-bg); border-color: #b07a12; color: #4d3300; }
        .alert.bad { background: var(--bad-bg); border-color: var(--bad); color: #6e0e11; }
        .alert p { margin: .25rem 0; }
        .secret { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; background: #fff; padding: .5rem; border: 1px dashed #7a8599; display: block; margin: .5rem 0; }

        .table-wrap { overflow-x: auto; background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        .table-wrap table { min-width: 34rem; }
        .table-wrap table.wide { min-width: 60rem; }
        td.long-text { min-width: 20rem; }
        th, td { text-align: left; vertical-align: middle; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
        th { background: #eef0f4; font-weight: 600; white-space: nowrap; }
        td form { margin: 0; }
        .number, .nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }
        .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; word-break: break-all; }
        .plain { list-style: none; margin: 0; padding: 0; }
        blockquote { margin: .5rem 0; }
        .pager { display: flex; gap: 1rem; margin: .75rem 0; }

        .badge { display: inline-block; border-radius: 999px; padding: .05rem .55rem; font-size: .8rem; font-weight: 700; border: 1px solid; white-space: nowrap; }
        .state-opted_in { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
        .state-pending { background: var(--warn-bg); color: var(--warn); border-color: #b07a12; }
        .state-opted_out { background: var(--bad-bg); color: var(--bad); border-color: var(--bad); }
        .state-none { background: #eef0f4; color: var(--muted); border-color: #9aa2b1; }
        .held-count { background: #fff; color: var(--warn); border-color: #b07a12; }

        .subnav ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
        .subnav a { display: inline-block; padding: .5rem .75rem; text-decoration: none; border-radius: .4rem .4rem 0 0; color: var(--ink); }
        .subnav a[aria-current="page"] { background: var(--surface); border: 1px solid var(--line); border-bottom-color: var(--surface); margin-bottom: -1px; font-weight: 700; color: var(--accent); }

        .inbox { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; align-items: start; }
        .inbox > *, .simulator > * { min-width: 0; }
        .conversations { list-style: none; margin: 0; padding: 0; background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
        .conversations li + li { border-top: 1px solid var(--line); }
        .conversations a { display: block; padding: .65rem .8rem; color: var(--ink); text-decoration: none; }
        .conversations a[aria-current="true"] { background: #e6ecfb; box-shadow: inset 4px 0 0 var(--accent); }
        .conversations a:hover { background: #f0f3fa; }
        .conv-top { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; }
        .conv-contact { font-weight: 700; }
        .conv-preview { color: var(--muted); font-size: .88rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; margin: .15rem 0; }
        .conv-badges { display: flex; flex-wrap: wrap; gap: .3rem; }
        .thread-pane { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); display: flex; flex-direction: column; min-width: 0; }
        .thread-head { padding: .75rem 1rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        .thread-head h2 { margin: 0; font-size: 1.1rem; }
        .thread { list-style: none; margin: 0; padding: 1rem; display: flex; flex-direction: column; gap: .6rem; max-height: 60vh; overflow-y: auto; }
        .msg { max-width: min(85%, 34rem); padding: .5rem .75rem; border-radius: .9rem; border: 1px solid var(--line); background: #fff; overflow-wrap: anywhere; }
        .msg.outbound { align-self: flex-end; background: var(--accent); border-color: var(--accent); color: #fff; border-bottom-right-radius: .25rem; }
        .msg.outbound.automated { background: #e6ecfb; color: #14306f; border: 1px solid #7d98e0; }
        .msg.inbound { align-self: flex-start; border-bottom-left-radius: .25rem; }
        .msg.held { border: 2px dashed #b07a12; }
        .msg.outbound.held { background: #fff8e5; color: var(--ink); }
        .msg.blocked, .msg.cancelled, .msg.expired, .msg.failed { border: 2px solid var(--bad); background: var(--bad-bg); color: #5c0c0e; }
        .msg p { margin: 0; white-space: pre-wrap; }
        .msg .meta { font-size: .78rem; margin-top: .25rem; opacity: .9; }
        .msg .flag { display: block; font-weight: 700; font-size: .82rem; margin-top: .3rem; }
        .msg .hidden-body { font-style: italic; }
        .msg .who-label { display: block; font-size: .75rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; margin-bottom: .15rem; }
        .notice { align-self: center; max-width: min(92%, 32rem); text-align: center; background: var(--notice-bg); color: var(--notice-ink); border-radius: .6rem; padding: .5rem .85rem; font-size: .9rem; }
        .notice p { margin: 0; }
        .notice .meta { font-size: .75rem; margin-top: .2rem; }
        .thread-status { padding: 0 1rem; }
        .thread-status .alert { margin: .75rem 0; }
        .composer { border-top: 1px solid var(--line); padding: .75rem 1rem 1rem; }
        .composer label { margin-top: 0; }
        .empty { color: var(--muted); padding: 1rem; }

        .template { border-top: 1px solid var(--line); padding-top: .75rem; margin-top: .75rem; }
        .template:first-of-type { border-top: 0; margin-top: 0; padding-top: 0; }
        .preview { background: #f0f3fa; border: 1px solid #c5d0ea; border-radius: .5rem; padding: .5rem .75rem; margin: .4rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        .preview-label { font-size: .8rem; font-weight: 700; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }

        .simulator { display: grid; grid-template-columns: minmax(16rem, 24rem) auto; gap: 1.5rem; align-items: start; justify-content: start; }
        .phone { width: min(100%, 23rem); background: #111; border-radius: 2.2rem; padding: .8rem .6rem 1.2rem; box-shadow: 0 8px 24px rgba(0,0,0,.25); }
        .phone-screen { background: #f2f2f7; border-radius: 1.6rem; height: min(40rem, 75vh); display: flex; flex-direction: column; overflow: hidden; }
        .phone-head { background: #fafafa; border-bottom: 1px solid #d1d1d6; padding: .75rem 1rem .5rem; text-align: center; }
        .phone-head strong { display: block; }
        .phone-head span { font-size: .8rem; color: var(--muted); }
        .phone-body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
        .phone-messages { list-style: none; margin: 0; padding: .75rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: .45rem; }
        .bubble { max-width: 82%; padding: .45rem .7rem; border-radius: 1.1rem; overflow-wrap: anywhere; }
        .bubble .text { white-space: pre-wrap; }
        .bubble.received { align-self: flex-start; background: #e5e5ea; color: #111; border-bottom-left-radius: .3rem; }
        .bubble.sent { align-self: flex-end; background: #0a7d34; color: #fff; border-bottom-right-radius: .3rem; }
        .phone-error { margin: 0; padding: .4rem .75rem; background: var(--bad-bg); color: #6e0e11; font-weight: 600; font-size: .9rem; }
        .phone-compose { display: flex; gap: .4rem; padding: .5rem; border-top: 1px solid #d1d1d6; background: #fafafa; }
        .phone-compose input { flex: 1; border-radius: 1.2rem; }
        .phone-compose button { border-radius: 1.2rem; }

        @media (max-width: 52rem) {
          .inbox, .simulator { grid-template-columns: 1fr; }
          .thread { max-height: none; }
        }
        @media (max-width: 30rem) {
          main { padding: .6rem; }
          .who { margin-left: 0; width: 100%; justify-content: space-between; }
          .msg { max-width: 92%; }
          th, td { padding: .4rem; }
        }
        """;
}
