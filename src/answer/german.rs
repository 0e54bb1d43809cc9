//! German messages: a worked example of a catalogue of one's own.

use crate::answer::Catalogue;
use crate::error::ErrorKind;
use crate::field::Field;
use crate::layout::Group;

/// The messages in German. The match is exhaustive, so a new error code does not
/// compile until it has a German message.
#[derive(Debug, Clone, Copy, Default)]
pub struct German;

impl Catalogue for German {
    #[expect(clippy::too_many_lines, reason = "one arm per error code")]
    fn message(&self, kind: &ErrorKind) -> String {
        use ErrorKind as K;
        match kind {
            K::RequestTooLarge {
                max_parameters,
                max_kib,
            } => format!(
                "Die Anfrage ist zu groß: höchstens {max_parameters} Parameter und {max_kib} KiB sind erlaubt."
            ),
            K::MalformedJson {} => {
                "Die Anfrage ist kein wohlgeformtes JSON-Objekt; senden Sie {\"name\": Wert, …}."
                    .into()
            }
            K::UnsupportedContentType {} => {
                "Der Rumpf der Anfrage muss application/x-www-form-urlencoded oder application/json sein."
                    .into()
            }
            K::DuplicateParameter {} => {
                "Dieser Parameter wurde mehrfach angegeben; senden Sie ihn nur einmal.".into()
            }
            K::UnknownParameter {} => "people/update kennt diesen Parameter nicht.".into(),
            K::MissingParameter {} => "Dieser Parameter ist erforderlich.".into(),
            K::InvalidUtf8 {} => "Dieser Parameter ergibt dekodiert keinen UTF-8-Text.".into(),
            K::InvalidType {} => "Dieser Wert muss eine Zeichenkette oder eine ganze Zahl sein \
                (null, Gleitkommazahlen, Arrays und Objekte sind nicht erlaubt)."
                .into(),
            K::InvalidId {} => {
                "Die ID muss eine Dezimalzahl von 1 bis 9223372036854775807 sein.".into()
            }
            K::IdMismatch {} => "Die ID passt nicht zur Person, die geändert wird.".into(),
            K::InvalidValidation {} => "validation muss 0 (Änderung ausführen) oder 1 \
                (nur die Eingaben prüfen) sein."
                .into(),
            K::EmptyValue {} => "Dieses Feld darf nicht leer sein.".into(),
            K::TooLong { max } => {
                format!("Dieser Wert ist zu lang: höchstens {max} Zeichen sind erlaubt.")
            }
            K::TooShort { min } => {
                format!("Dieser Wert ist zu kurz: mindestens {min} Zeichen sind nötig.")
            }
            K::ControlCharacter {} => "Dieser Wert enthält ein Steuerzeichen (etwa einen \
                Tabulator oder Zeilenumbruch); senden Sie einfachen Text."
                .into(),
            K::InvisibleCharacter { position } => format!(
                "Dieser Wert enthält an Stelle {position} ein unsichtbares, die \
                Schreibrichtung änderndes, privat genutztes oder nicht vergebenes Zeichen; \
                senden Sie einfachen Text."
            ),
            K::TooManyMarks { max } => format!(
                "Ein Zeichen trägt hier zu viele kombinierende Zeichen: höchstens {max} sind erlaubt."
            ),
            K::InvalidNameCharacter {} => "Ein Name darf nur Buchstaben, kombinierende \
                Zeichen, Leerzeichen und ' ’ - . , enthalten."
                .into(),
            K::NameWithoutLetter {} => {
                "Ein Name muss mindestens einen Buchstaben enthalten.".into()
            }
            K::InvalidUsername { max } => format!(
                "Ein Benutzername besteht aus 1 bis {max} Zeichen aus A-Z a-z 0-9 . _ - @ + und \
                 beginnt und endet mit einem Buchstaben oder einer Ziffer."
            ),
            K::UsernameTaken {} => {
                "Dieser Benutzername ist schon vergeben; wählen Sie einen anderen.".into()
            }
            K::PasswordMatchesUsername {} => {
                "Das Passwort darf nicht der Benutzername sein.".into()
            }
            K::InvalidEmail { address } => format!(
                "„{address}“ ist keine gültige E-Mail-Adresse; senden Sie einfache Adressen \
                 wie name@example.com, durch Kommas getrennt."
            ),
            K::TooManyEntries { max } => {
                format!("Zu viele Einträge: höchstens {max} sind erlaubt.")
            }
            K::EmailRequired {} => "Eine E-Mail-Adresse ist erforderlich.".into(),
            K::InvalidPhoneNumber {
                min_digits,
                max_digits,
            } => format!(
                "Eine Telefonnummer besteht aus einem optionalen + und {min_digits} bis \
                 {max_digits} Ziffern, die Leerzeichen, - . ( ) trennen dürfen."
            ),
            K::InvalidExtension { max_digits } => {
                format!("Eine Durchwahl besteht aus 1 bis {max_digits} Ziffern.")
            }
            K::UnknownCountry {} => "Das Land muss ein vergebener zweibuchstabiger \
                ISO-3166-1-Code sein, etwa GB (nicht UK) oder DE."
                .into(),
            K::InvalidLanguage {} => "Die Sprache muss ein BCP-47-Tag wie de, de-AT oder \
                pt-BR sein, oder leer für die Voreinstellung."
                .into(),
            K::LanguageNotAllowed {} => "Diese Sprache wird hier nicht angeboten.".into(),
            K::UnknownTimeZone {} => "Die Zeitzone muss ein IANA-Name wie Europe/Berlin \
                sein, oder leer für die Voreinstellung."
                .into(),
            K::InvalidDateFormat {} => {
                "Das Datumsformat muss DD/MM/YYYY, MM/DD/YYYY oder YYYY-MM-DD sein.".into()
            }
            K::InvalidTimeFormat {} => "Das Zeitformat muss 12 oder 24 sein.".into(),
            K::InvalidSourceEntry { entry } => format!(
                "„{entry}“ ist weder eine IP-Adresse noch ein CIDR-Netz; senden Sie Einträge \
                 wie 192.0.2.1 oder 2001:db8::/32, durch Kommas getrennt."
            ),
            K::HostBitsSet { given, network } => {
                format!("In {given} sind Host-Bits gesetzt; meinten Sie {network}?")
            }
            K::ChangedSinceRead { .. } => "Dieses Feld wurde geändert, seit Sie es gelesen \
                haben; lesen Sie es neu und ändern Sie, was jetzt gespeichert ist."
                .into(),
            K::WouldLockOut {} => "Diese Liste enthält die Adresse nicht, von der Sie sich \
                verbinden; Sie würden sich aussperren."
                .into(),
            K::PublicKeyTooLarge { max_bytes } => format!(
                "Der öffentliche Schlüssel ist zu groß: höchstens {max_bytes} Bytes sind erlaubt."
            ),
            K::PrivateKeyBlock {} => "Dies ist ein privater Schlüssel. Senden Sie ihn nie: \
                exportieren und senden Sie stattdessen den öffentlichen Schlüssel \
                (-----BEGIN PGP PUBLIC KEY BLOCK-----)."
                .into(),
            K::InvalidArmor {} => "Der öffentliche Schlüssel muss ein ASCII-Armor-Block von \
                -----BEGIN PGP PUBLIC KEY BLOCK----- bis -----END PGP PUBLIC KEY BLOCK----- sein."
                .into(),
            K::ChecksumMismatch {} => "Die Prüfsumme des öffentlichen Schlüssels passt nicht \
                zu seinem Inhalt; er wurde beim Kopieren beschädigt."
                .into(),
            K::NotPublicKey {} => "Der Block muss genau einen öffentlichen OpenPGP-Schlüssel enthalten und sonst nichts: keinen weiteren Schlüssel, keine komprimierten oder verschlüsselten Daten.".into(),
            K::InvalidRole {} => "Die Rolle muss die Dezimal-ID einer Rolle sein.".into(),
            K::UnknownRole {} => "Es gibt keine Rolle mit dieser ID.".into(),
            K::AuthenticationFailed {} => "Die Anmeldedaten sind ungültig.".into(),
            K::FunctionNotPermitted {}
            | K::NotSelfService {}
            | K::OwnRole {}
            | K::RoleAboveActor {} => "Ihre Rolle erlaubt dies nicht.".into(),
            K::PlanForbids {} => "Ihr Tarif erlaubt dies nicht.".into(),
            K::PersonNotFound {} => "Die Person existiert nicht, oder Sie dürfen sie nicht \
                ändern."
                .into(),
        }
    }

    fn label(&self, field: Field) -> &'static str {
        match field {
            Field::Company => "Firma",
            Field::Country => "Land",
            Field::DateFormat => "Datumsformat",
            Field::Description => "Beschreibung",
            Field::Email => "E-Mail",
            Field::Extension => "Durchwahl",
            Field::Fax => "Fax",
            Field::Forename => "Vorname",
            Field::Language => "Sprache",
            Field::Mobile => "Mobiltelefon",
            Field::Password => "Neues Passwort",
            Field::PublicKey => "Öffentlicher OpenPGP-Schlüssel",
            Field::Role => "Rolle",
            Field::Source => "Erlaubte Absenderadressen",
            Field::Surname => "Nachname",
            Field::Telephone => "Telefon",
            Field::TimeFormat => "Zeitformat",
            Field::Timezone => "Zeitzone",
            Field::Title => "Titel",
            Field::Username => "Benutzername",
        }
    }

    fn help(&self, field: Field) -> &'static str {
        match field {
            Field::Company | Field::Forename | Field::Surname | Field::Role => "",
            Field::Country => "Zwei Buchstaben, etwa DE.",
            Field::DateFormat => "Wie dieser Person Daten angezeigt werden.",
            Field::Description => "Notizen zu dieser Person; mehrere Zeilen sind möglich.",
            Field::Email => "Eine oder mehrere Adressen, durch Kommas getrennt.",
            Field::Extension => "Die Nummer, an die die Namenswahl weiterleitet.",
            Field::Fax | Field::Mobile | Field::Telephone => {
                "In internationaler Form, etwa +49 30 901820."
            }
            Field::Language => "Ein Sprachkennzeichen, etwa de-DE.",
            Field::Password => "Leer lassen, um das bisherige zu behalten.",
            Field::PublicKey => {
                "Ein öffentlicher OpenPGP-Schlüsselblock, wie gpg --export --armor ihn schreibt."
            }
            Field::Source => {
                "Die Adressen, von denen sich diese Person anmelden darf, etwa 192.0.2.0/24; leer für überall."
            }
            Field::TimeFormat => "12 oder 24 Stunden.",
            Field::Timezone => "Eine Zeitzone wie Europe/Berlin.",
            Field::Title => "Etwa Dr. oder Frau.",
            Field::Username => "Womit sich diese Person anmeldet.",
        }
    }

    fn group(&self, group: Group) -> &'static str {
        match group {
            Group::Name => "Name",
            Group::Contact => "Kontakt",
            Group::Regional => "Regionale Einstellungen",
            Group::SignIn => "Anmeldung und Sicherheit",
            Group::Administration => "Verwaltung",
        }
    }
}
