using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Optline.Core.Keywords;

/// <summary>
/// Short messages that a reasonable person would read as "stop messaging me" (the US revocation rule of
/// April 2025) although they are not a keyword. Patterns run over the message's words: upper case, separated
/// by single spaces, without punctuation (see <see cref="KeywordClassifier"/>), after courtesy words
/// ("please", "thanks", "now") were taken off both ends. Each pattern matches the whole remaining text, so
/// "stop texting me" is an opt-out and "stop texting me the invoice" is not.
/// </summary>
internal static partial class OptOutPhrases
{
    internal sealed record Phrase(string Name, string Language, Regex Pattern);

    // Fragments shared by the English patterns.
    private const string Me = "(?:ME|US|MY (?:CELL |MOBILE |PHONE |CELL PHONE )?(?:NUMBER|PHONE|CELL|NO|INFO|DETAILS|CONTACT)|THIS (?:PHONE )?NUMBER)";
    private const string Messages = "(?:(?:THESE|THIS|THOSE|ANY|ALL|THE|YOUR|ANY MORE|ANYMORE|MORE|ALL THESE|ALL THE|ALL YOUR|ALL OF THESE|ALL OF YOUR|SO MANY) )?"
        + "(?:(?:TEXT|SMS|MARKETING|PROMOTIONAL|PROMO|AUTOMATED|AUTO|SPAM) )?"
        + "(?:MESSAGES|MESSAGE|TEXTS|TEXT|SMS|SMSES|MSGS|MSG|SPAM|NOTIFICATIONS|ALERTS|REMINDERS|PROMOS)";
    private const string Contacting = "(?:TEXTING|TXTING|MESSAGING|MSGING|SENDING|CONTACTING|CALLING|SPAMMING|BOTHERING|HARASSING|PINGING|WRITING|EMAILING)";
    private const string List = "(?:(?:YOUR|UR|THE|THIS|THAT|ALL|ANY|MY|ALL YOUR|ALL THE) )?"
        + "(?:(?:MAILING|TEXT|TEXTING|SMS|MESSAGING|CONTACT|CALL|CALLING|MARKETING|DISTRIBUTION|SUBSCRIPTION|NOTIFICATION|ALERT|SUBSCRIBER|CLIENT|CUSTOMER) )?"
        + "(?:LIST|LISTS|DATABASE|SYSTEM|CONTACTS|SUBSCRIPTION|SUBSCRIPTIONS|ALERTS|TEXTS|MESSAGES|NOTIFICATIONS|PROGRAM|RECORDS|FILE|FILES)";
    private const string Tail = "(?: (?:ANYMORE|ANY MORE|AGAIN|EVER AGAIN|EVER|NO MORE|ANY LONGER|FROM NOW ON|AT ALL|IN THE FUTURE|TO ME|TO US|TO THIS NUMBER|TO MY NUMBER))*";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Courtesy words taken off both ends before matching ("Stop!!! please", "please unsubscribe me").</summary>
    internal static readonly FrozenSet<string> CourtesyWords = FrozenSet.Create(StringComparer.Ordinal,
        "PLEASE", "PLS", "PLZ", "PLEASEE", "KINDLY", "NOW", "RIGHT NOW", "ASAP", "IMMEDIATELY", "ALREADY", "JUST",
        "THANKS", "THANK YOU", "THANK U", "THX", "TY", "OK", "OKAY", "HI", "HELLO", "HEY", "SORRY",
        "POR FAVOR", "PORFA", "PORFAVOR", "GRACIAS", "YA", "HOLA",
        "S'IL VOUS PLAIT", "S'IL TE PLAIT", "SVP", "STP", "MERCI", "BONJOUR",
        "OBRIGADO", "OBRIGADA", "BITTE", "DANKE");

    /// <summary>The longest courtesy phrase, in words.</summary>
    internal const int LongestCourtesyWords = 3;

    internal static readonly IReadOnlyList<Phrase> All =
    [
        new("stop-contacting", "en", StopContacting()),
        new("stop-messages", "en", StopMessages()),
        new("no-more-messages", "en", NoMoreMessages()),
        new("stop-it", "en", StopIt()),
        new("remove-me", "en", RemoveMe()),
        new("take-me-off", "en", TakeMeOff()),
        new("do-not-contact", "en", DoNotContact()),
        new("leave-me-alone", "en", LeaveMeAlone()),
        new("wrong-number", "en", WrongNumber()),
        new("want-out", "en", WantOut()),
        new("cancel-subscription", "en", CancelSubscription()),
        new("no-consent", "en", NoConsent()),
        new("no-enviar", "es", SpanishDoNotSend()),
        new("deja-de", "es", SpanishStopSending()),
        new("no-quiero", "es", SpanishDoNotWant()),
        new("dar-de-baja", "es", SpanishRemoveMe()),
        new("numero-equivocado", "es", SpanishWrongNumber()),
        new("arrete-de", "fr", FrenchStopSending()),
        new("ne-plus", "fr", FrenchDoNotSend()),
        new("desinscrire", "fr", FrenchRemoveMe()),
        new("mauvais-numero", "fr", FrenchWrongNumber()),
        new("pare-de", "pt", PortugueseStopSending()),
        new("numero-errado", "pt", PortugueseWrongNumber()),
        new("keine-nachrichten", "de", GermanNoMessages()),
    ];

    /// <summary>
    /// Words at least one pattern needs: a message without any of them cannot match, so the patterns are not run.
    /// </summary>
    internal static readonly FrozenSet<string> Cues = FrozenSet.Create(StringComparer.Ordinal,
        "STOP", "QUIT", "CEASE", "END", "CANCEL", "HALT", "NO", "ENOUGH", "CUT", "REMOVE", "DELETE", "ERASE",
        "UNSUBSCRIBE", "UNSUB", "UNENROLL", "UNREGISTER", "DISENROLL", "OFF", "OUT", "OPTOUT", "DON'T", "DONT", "NOT",
        "NEVER", "DIDN'T", "DIDNT", "ALONE", "WRONG", "TERMINATE", "REVOKE", "WITHDRAW", "DISCONTINUE",
        "DEJA", "DEJE", "DEJEN", "DEJAD", "PARA", "PARE", "PAREN", "PAREM", "BAJA", "ELIMINAME", "BORRAME", "QUITAME",
        "SACAME", "ELIMINENME", "BORRENME", "QUITENME", "SAQUENME", "EQUIVOCADO", "INCORRECTO", "ERRONEO",
        "EQUIVOCO", "EQUIVOCARON", "ARRETE", "ARRETEZ", "ARRETER", "CESSE", "CESSEZ", "CESSER", "NE", "MOI", "JE",
        "MAUVAIS", "FAUX", "TROMPE", "TROMPES", "PLUS", "NAO", "ERRADO", "KEINE", "KEIN", "FALSCHE");

    [GeneratedRegex($"^(?:STOP|QUIT|CEASE) {Contacting}(?: (?:AND|OR) {Contacting})?(?: {Me})?(?: {Messages})?{Tail}$", Options)]
    private static partial Regex StopContacting();

    [GeneratedRegex($"^(?:STOP|END|CANCEL|QUIT|HALT)(?: ALL)? {Messages}{Tail}$", Options)]
    private static partial Regex StopMessages();

    [GeneratedRegex($"^(?:NO|NO MORE|ENOUGH|ENOUGH WITH THE|ENOUGH OF THE|ENOUGH OF THESE) {Messages}{Tail}$", Options)]
    private static partial Regex NoMoreMessages();

    [GeneratedRegex("^(?:(?:STOP|QUIT|END) (?:IT|THAT|THIS|ALL THIS|ALL OF THIS|ALL THAT|IT ALL|THE SPAM)|CUT IT OUT)$", Options)]
    private static partial Regex StopIt();

    [GeneratedRegex($"^(?:(?:REMOVE|DELETE|ERASE|UNSUBSCRIBE|UNSUB|UNENROLL|UNREGISTER|DISENROLL) {Me}(?: (?:FROM|OFF|OFF OF|OUT OF) {List})?"
        + $"|(?:UNSUBSCRIBE|UNSUB) (?:FROM )?(?:EVERYTHING|ALL|{List})|REMOVE|UNSUB){Tail}$", Options)]
    private static partial Regex RemoveMe();

    [GeneratedRegex($"^(?:(?:TAKE|GET|CROSS|STRIKE|KNOCK) {Me} OFF(?: OF)?(?: {List})?|(?:OPT|SIGN) {Me} (?:OUT|OFF)(?: (?:OF|FROM) {List})?|(?:TAKE|GET) {Me} OUT OF {List})$", Options)]
    private static partial Regex TakeMeOff();

    [GeneratedRegex($"^(?:I )?(?:DON'T|DONT|DO NOT|NEVER)(?: EVER)? (?:TEXT|TXT|MESSAGE|MSG|CONTACT|SMS|EMAIL|SPAM|BOTHER|WRITE|WRITE TO|SEND)(?: (?:AND|OR) (?:TEXT|MESSAGE|CONTACT|CALL|SMS|EMAIL))?(?: {Me}(?: {Messages})?| {Messages}(?: TO {Me})?){Tail}$", Options)]
    private static partial Regex DoNotContact();

    [GeneratedRegex($"^LEAVE {Me} ALONE{Tail}$", Options)]
    private static partial Regex LeaveMeAlone();

    [GeneratedRegex("^(?:I THINK |I BELIEVE )?(?:(?:YOU HAVE|YOU'VE GOT|YOU HAVE GOT|YOU GOT|YOU'VE|YOUVE|U HAVE|U GOT|YOU) (?:THE |A )?|(?:THIS IS|IT'S|ITS|IT IS|THAT'S|THATS|THAT IS) (?:THE |A )?|(?:THE|A) )?WRONG (?:NUMBER|NUMBERS|NUM|NO|PERSON|GUY|PHONE|CONTACT)$", Options)]
    private static partial Regex WrongNumber();

    [GeneratedRegex($"^(?:I (?:WANT|WANNA|WISH|NEED|WOULD LIKE)|I'D LIKE|ID LIKE|I'M|IM|I AM)(?: TO)? "
        + "(?:OPT OUT|OPTOUT|OPTING OUT|UNSUBSCRIBE|UNSUBSCRIBING|UNSUB|STOP|STOPPING|CANCEL|CANCELLING|CANCELING|QUIT|QUITTING|"
        + "BE REMOVED|BE UNSUBSCRIBED|BE TAKEN OFF|GET OFF|STOP RECEIVING|STOP GETTING|NO LONGER RECEIVE|NOT RECEIVE|REVOKE|REVOKING|WITHDRAW|WITHDRAWING)"
        + $"(?: (?:MY CONSENT|CONSENT|OF THIS|OF THESE|(?:OF|FROM|OFF) {List}|{Messages}|{List}))?{Tail}$", Options)]
    private static partial Regex WantOut();

    [GeneratedRegex("^(?:CANCEL|END|STOP|TERMINATE|REVOKE|WITHDRAW|DISCONTINUE) (?:MY|THE|THIS|YOUR|ALL|ALL MY|ALL THESE) (?:TEXT |SMS |MESSAGE |MESSAGING |TEXT MESSAGE )?"
        + $"(?:SUBSCRIPTION|SUBSCRIPTIONS|CONSENT|PERMISSION|OPT IN|OPTIN|ENROLLMENT|ENROLMENT|ALERTS|NOTIFICATIONS){Tail}$", Options)]
    private static partial Regex CancelSubscription();

    [GeneratedRegex("^(?:I )?(?:DO NOT|DON'T|DONT|NO LONGER|DID NOT|DIDN'T|DIDNT|NEVER) "
        + $"(?:CONSENT|CONSENTED|SIGNED UP|SIGN UP|OPTED IN|SUBSCRIBED|WANT(?: TO (?:RECEIVE|GET))? {Messages}|WANT TO BE CONTACTED)"
        + "(?: (?:TO|FOR) (?:THIS|THESE|THAT|THEM|ANY OF THIS|THIS SERVICE|THESE MESSAGES|THESE TEXTS))?$", Options)]
    private static partial Regex NoConsent();

    [GeneratedRegex("^NO (?:ME |NOS )?(?:ENVIES|ENVIE|ENVIEN|MANDES|MANDE|MANDEN|ESCRIBAS|ESCRIBA|ESCRIBAN|CONTACTES|CONTACTE|CONTACTEN|MOLESTES|MOLESTE|MOLESTEN|TEXTEES|TEXTEE)"
        + "(?: (?:MAS|NUNCA MAS|NADA))?(?: (?:MENSAJES|TEXTOS|SMS))?(?: MAS| NUNCA MAS)?$", Options)]
    private static partial Regex SpanishDoNotSend();

    [GeneratedRegex("^(?:DEJA|DEJE|DEJEN|DEJAD|PARA|PARE|PAREN) DE (?:ENVIARME|MANDARME|ESCRIBIRME|CONTACTARME|MOLESTARME|TEXTEARME|LLAMARME|ENVIAR|MANDAR|ESCRIBIR)(?: (?:MENSAJES|TEXTOS|SMS))?$", Options)]
    private static partial Regex SpanishStopSending();

    [GeneratedRegex("^(?:YA )?NO (?:QUIERO|DESEO) (?:RECIBIR )?(?:MAS )?(?:MENSAJES|TEXTOS|SMS)(?: MAS)?$|^NO MAS (?:MENSAJES|TEXTOS|SMS)$", Options)]
    private static partial Regex SpanishDoNotWant();

    [GeneratedRegex("^(?:(?:QUIERO |DESEO )?DARME|DENME|DAME|DEME) DE BAJA$|^(?:ELIMINAME|BORRAME|QUITAME|SACAME|ELIMINENME|BORRENME|QUITENME|SAQUENME)(?: DE (?:LA|SU|TU|SUS|TUS|ESTA) (?:LISTA|LISTAS|BASE DE DATOS))?$", Options)]
    private static partial Regex SpanishRemoveMe();

    [GeneratedRegex("^(?:(?:ES|TIENE|TIENES|TIENEN) )?(?:EL |UN )?(?:NUMERO|NUM) (?:EQUIVOCADO|INCORRECTO|ERRONEO)$|^(?:SE )?(?:EQUIVOCO|EQUIVOCARON) DE NUMERO$", Options)]
    private static partial Regex SpanishWrongNumber();

    [GeneratedRegex("^(?:ARRETE|ARRETEZ|ARRETER|CESSE|CESSEZ|CESSER) (?:DE|D') ?(?:M'ECRIRE|M'ENVOYER|ME CONTACTER|M'APPELER|ME TEXTER|ME DERANGER|ME HARCELER|M'EMBETER|ECRIRE|ENVOYER)(?: (?:DES|DE) (?:MESSAGES|SMS|TEXTOS))?$", Options)]
    private static partial Regex FrenchStopSending();

    [GeneratedRegex("^NE (?:M'ECRIVEZ|M'ECRIS|M'ENVOYEZ|M'ENVOIE|M'ENVOIES|ME CONTACTEZ|ME CONTACTE|M'APPELEZ|M'APPELLE|ME DERANGEZ|ME DERANGE|ME TEXTEZ|ME TEXTE) PLUS(?: (?:JAMAIS|DU TOUT|RIEN|DE MESSAGES|DE SMS|DE TEXTOS))?$|^PLUS DE (?:MESSAGES|SMS|TEXTOS)$", Options)]
    private static partial Regex FrenchDoNotSend();

    [GeneratedRegex("^(?:DESINSCRIVEZ|DESINSCRIS|DESABONNEZ|DESABONNE|RETIREZ|RETIRE|SUPPRIMEZ|SUPPRIME|ENLEVEZ|ENLEVE) MOI(?: DE (?:VOTRE|TA|LA|CETTE|VOS|TES) (?:LISTE|LISTES|BASE|BASE DE DONNEES|FICHIER))?$"
        + "|^JE (?:VEUX|VOUDRAIS|SOUHAITE|DESIRE) (?:ME DESINSCRIRE|ME DESABONNER|ETRE RETIRE|ETRE RETIREE|ETRE DESINSCRIT|ETRE DESINSCRITE|NE PLUS RECEVOIR(?: DE (?:MESSAGES|SMS|TEXTOS))?)$", Options)]
    private static partial Regex FrenchRemoveMe();

    [GeneratedRegex("^(?:C'EST |VOUS AVEZ |TU AS )?(?:LE |UN )?(?:MAUVAIS|FAUX) NUMERO$|^(?:VOUS VOUS ETES|TU T'ES) (?:TROMPE|TROMPES) DE NUMERO$", Options)]
    private static partial Regex FrenchWrongNumber();

    [GeneratedRegex("^(?:PARE|PAREM|PARA) DE (?:ME )?(?:ENVIAR|MANDAR)(?: (?:MENSAGENS|SMS))?$|^NAO (?:ME )?(?:ENVIE|MANDE|ENVIEM|MANDEM)(?: MAIS)?(?: (?:MENSAGENS|SMS))?(?: MAIS)?$", Options)]
    private static partial Regex PortugueseStopSending();

    [GeneratedRegex("^(?:E |O )?NUMERO ERRADO$", Options)]
    private static partial Regex PortugueseWrongNumber();

    [GeneratedRegex("^(?:KEINE|KEIN) (?:NACHRICHTEN|SMS|WERBUNG)(?: MEHR)?$|^FALSCHE NUMMER$", Options)]
    private static partial Regex GermanNoMessages();
}
