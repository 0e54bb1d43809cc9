//! GnuPG as the oracle for public keys (SPEC §3 `public_key`): every key `gpg` makes and
//! exports is accepted and stored as a key `gpg` imports whole (which is why a v4 key is
//! stored with its CRC line); no crafted block the crate accepts makes `gpg` import a
//! secret key or more than one public key.
//!
//! Needs Debian's `gnupg` (`gpg`, `gpgconf`), so these tests are ignored by a plain
//! `cargo test`; `.ci/run` installs it and runs them with
//! `cargo test --test gnupg -- --ignored`. Each test works in throw-away `GNUPGHOME`s
//! under the system's temporary folder, with `gpg --batch`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::stored_key;
use enswitch_people::PublicKey;

/// A throw-away GnuPG home, removed (and its agent stopped) when dropped.
struct Home {
    path: PathBuf,
}

impl Home {
    fn new() -> Home {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        // Short: gpg-agent's socket path must fit in 108 bytes.
        let path = std::env::temp_dir().join(format!("ep-gpg-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        Home { path }
    }

    /// Runs `gpg --batch` in this home with `input` on its standard input.
    fn gpg(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write as _;
        let mut child = Command::new("gpg")
            .arg("--homedir")
            .arg(&self.path)
            .args([
                "--batch",
                "--no-tty",
                "--passphrase",
                "",
                "--pinentry-mode",
                "loopback",
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg runs: install Debian's gnupg (bash .ci/run does)");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs `gpg` and asserts that it succeeded; its standard output.
    #[track_caller]
    fn ok(&self, args: &[&str], input: &[u8]) -> String {
        let output = self.gpg(args, input);
        assert!(
            output.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Imports `block`; whether gpg succeeds is not asserted (some blocks it refuses).
    fn import(&self, block: &str) {
        self.gpg(&["--import"], block.as_bytes());
    }

    /// The fingerprints of the primary keys in this home: public ones, or secret ones.
    fn primaries(&self, secret: bool) -> Vec<String> {
        let list = if secret {
            "--list-secret-keys"
        } else {
            "--list-keys"
        };
        let record = if secret { "sec:" } else { "pub:" };
        let listing = self.ok(&["--with-colons", list], b"");
        let mut fingerprints = Vec::new();
        let mut lines = listing.lines();
        while let Some(line) = lines.next() {
            if line.starts_with(record) {
                let fpr = lines.next().unwrap_or_default();
                fingerprints.push(fpr.split(':').nth(9).unwrap_or_default().to_owned());
            }
        }
        fingerprints
    }

    /// Makes a key of `primary` with a subkey of `subkey` (unless `None`) and gives
    /// its fingerprint.
    fn make_key(&self, user_id: &str, primary: &str, subkey: Option<&str>) -> String {
        let before = self.primaries(false);
        self.ok(
            &["--quick-gen-key", user_id, primary, "cert,sign", "never"],
            b"",
        );
        let fpr = self
            .primaries(false)
            .into_iter()
            .find(|f| !before.contains(f))
            .expect("a new key");
        if let Some(subkey) = subkey {
            self.ok(&["--quick-add-key", &fpr, subkey, "encr", "never"], b"");
        }
        fpr
    }

    fn export(&self, fpr: &str, extra: &[&str]) -> String {
        let mut args = vec!["--armor"];
        args.extend(extra);
        args.extend(["--export", fpr]);
        self.ok(&args, b"")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&self.path)
            .args(["--kill", "all"])
            .output();
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What the crate makes of a block: the stored form, or the error's code.
fn crate_reads(block: &str) -> Result<String, String> {
    block
        .parse::<PublicKey>()
        .map(|key| key.as_str().to_owned())
        .map_err(|kind| kind.code().to_string())
}

/// What a fresh `gpg` imports from `block`: (public, secret) primary fingerprints.
fn gpg_imports(block: &str) -> (Vec<String>, Vec<String>) {
    let home = Home::new();
    home.import(block);
    (home.primaries(false), home.primaries(true))
}

/// Asserts that the crate accepts `export` (of the key `fpr`) and stores a block that
/// `gpg` imports as that one public key and no secret key.
#[track_caller]
fn accepted_whole(name: &str, export: &str, fpr: &str) {
    let stored = crate_reads(export).unwrap_or_else(|code| panic!("{name}: refused, {code}"));
    assert!(
        !stored.contains(": "),
        "{name}: no armor header is stored: {stored}"
    );
    let (public, secret) = gpg_imports(&stored);
    assert_eq!(public, [fpr], "{name}");
    assert_eq!(secret, Vec::<String>::new(), "{name}");
}

#[test]
#[ignore = "needs GnuPG: bash .ci/run installs it and runs this"]
fn every_key_gnupg_makes_is_accepted() {
    let home = Home::new();
    // Primary and subkey algorithms, as `gpg --quick-gen-key` and `--quick-add-key`
    // name them.
    let kinds = [
        ("rsa2048", Some("rsa2048")),
        ("rsa4096", None),
        ("dsa2048", Some("elg2048")),
        ("nistp256", Some("nistp256")),
        ("nistp384", Some("nistp384")),
        ("nistp521", Some("nistp521")),
        ("brainpoolP256r1", Some("brainpoolP256r1")),
        ("brainpoolP512r1", Some("brainpoolP512r1")),
        ("secp256k1", Some("secp256k1")),
        ("ed25519", Some("cv25519")),
    ];
    for (primary, subkey) in kinds {
        let fpr = home.make_key(
            &format!("{primary} <{primary}@example.com>"),
            primary,
            subkey,
        );
        let export = home.export(&fpr, &[]);
        assert_eq!(
            crate_reads(&export),
            Ok(stored_key(&export, 4)),
            "{primary}"
        );
        accepted_whole(primary, &export, &fpr);
    }

    // One key with several user IDs, a photo ID and a second subkey.
    let fpr = home.make_key("Many <many@example.com>", "ed25519", Some("cv25519"));
    home.ok(
        &["--quick-add-uid", &fpr, "Second <second@example.com>"],
        b"",
    );
    home.ok(
        &[
            "--quick-add-uid",
            &fpr,
            "Jürgen Müller <juergen@example.com>",
        ],
        b"",
    );
    home.ok(&["--quick-add-key", &fpr, "rsa2048", "sign", "never"], b"");
    let photo = home.path.join("photo.jpg");
    std::fs::write(&photo, JPEG).unwrap();
    let commands = format!("addphoto\n{}\nsave\n", photo.display());
    home.ok(
        &[
            "--command-fd",
            "0",
            "--photo-viewer",
            "true",
            "--edit-key",
            &fpr,
        ],
        commands.as_bytes(),
    );
    let listing = home.ok(&["--with-colons", "--list-keys", &fpr], b"");
    assert_eq!(listing.lines().filter(|l| l.starts_with("uat:")).count(), 1);
    assert_eq!(listing.lines().filter(|l| l.starts_with("uid:")).count(), 3);

    let export = home.export(&fpr, &[]);
    assert_eq!(crate_reads(&export), Ok(stored_key(&export, 4)));
    accepted_whole("several user IDs and a photo", &export, &fpr);
    let minimal = home.export(&fpr, &["--export-options", "export-minimal"]);
    assert_eq!(crate_reads(&minimal), Ok(stored_key(&minimal, 4)));
    accepted_whole("export-minimal", &minimal, &fpr);
    // A UTF-8 armor header is read and not stored.
    let commented = home.export(&fpr, &["--comment", "Jürgen Müller"]);
    assert!(commented.contains("Comment: Jürgen Müller"), "{commented}");
    assert_eq!(crate_reads(&commented), Ok(stored_key(&export, 4)));
}

/// The smallest file GnuPG takes as a JPEG photo: SOI, a JFIF APP0 segment, EOI (gpg
/// checks the first three bytes only).
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";

/// Every block `tests/data/crafted/make.py` writes, and what the crate makes of it:
/// `Ok(())` accepted, or the error's code.
const CRAFTED: &[(&str, Result<(), &str>)] = &[
    ("comment-utf8", Ok(())),
    ("compressed-bzip2-alone", Err("not_public_key")),
    ("compressed-bzip2-new", Err("not_public_key")),
    ("compressed-bzip2-old", Err("not_public_key")),
    ("compressed-partial-length", Err("not_public_key")),
    ("compressed-uncompressed-alone", Err("not_public_key")),
    ("compressed-uncompressed-new", Err("not_public_key")),
    ("compressed-uncompressed-old", Err("not_public_key")),
    ("compressed-zip-alone", Err("not_public_key")),
    ("compressed-zip-new", Err("not_public_key")),
    ("compressed-zip-old", Err("not_public_key")),
    ("compressed-zlib-alone", Err("not_public_key")),
    ("compressed-zlib-new", Err("not_public_key")),
    ("compressed-zlib-old", Err("not_public_key")),
    ("compressed-zlib-whole", Err("not_public_key")),
    ("duplicate-primary", Err("not_public_key")),
    ("encrypted-aead", Err("not_public_key")),
    ("encrypted-sed", Err("not_public_key")),
    ("encrypted-seipd", Err("not_public_key")),
    ("junk-version-alone", Err("not_public_key")),
    ("junk-version-zeros", Err("not_public_key")),
    ("junk-version-zeros-uid", Err("not_public_key")),
    ("keyring-three", Err("not_public_key")),
    ("keyring-three-armored", Err("invalid_armor")),
    ("literal-data", Err("not_public_key")),
    ("literal-data-old", Err("not_public_key")),
    ("material-padded", Err("not_public_key")),
    ("material-truncated", Err("not_public_key")),
    ("new-format-headers", Ok(())),
    ("no-checksum", Ok(())),
    ("no-user-id", Err("not_public_key")),
    ("notation", Ok(())),
    ("old-format-headers", Ok(())),
    ("secret-alone", Err("private_key_block")),
    ("secret-appended", Err("private_key_block")),
    ("secret-appended-old", Err("private_key_block")),
    ("secret-block-after-public", Err("private_key_block")),
    ("secret-block-pgp2", Err("private_key_block")),
    ("secret-body-as-public", Err("not_public_key")),
    ("secret-body-as-subkey", Err("not_public_key")),
    ("signature-padded", Err("not_public_key")),
    ("signature-truncated", Err("not_public_key")),
    ("skipped-packets", Ok(())),
    ("subkey-unbound", Err("not_public_key")),
    ("unknown-critical-tag", Err("not_public_key")),
    ("unknown-noncritical-tag", Ok(())),
    ("user-attribute", Ok(())),
    ("user-id", Ok(())),
];

fn crafted_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/crafted")
}

fn crafted(name: &str) -> String {
    std::fs::read_to_string(crafted_dir().join(format!("{name}.asc"))).unwrap()
}

/// Runs without GnuPG: the crate's outcome on every crafted block.
#[test]
fn crafted_blocks_have_their_outcomes() {
    let mut names: Vec<String> = std::fs::read_dir(crafted_dir())
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".asc").map(str::to_owned)
        })
        .collect();
    names.sort();
    let listed: Vec<&str> = CRAFTED.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, listed, "the table lists every block make.py writes");
    for (name, expected) in CRAFTED {
        let got = crate_reads(&crafted(name));
        assert_eq!(got.map(drop), expected.map_err(str::to_owned), "{name}");
    }
}

#[test]
#[ignore = "needs GnuPG: bash .ci/run installs it and runs this"]
fn no_accepted_block_gives_gnupg_a_secret_key() {
    // The control: the oracle sees a secret key where there is one, both in the secret
    // block the corpus is made from and in a block the crate now refuses.
    let secret = include_str!("data/keys/rsa2048.secret.asc");
    let (_, secrets) = gpg_imports(secret);
    assert_eq!(secrets.len(), 1, "gpg imports the raw secret block");
    let (_, secrets) = gpg_imports(&crafted("compressed-zlib-new"));
    assert_eq!(secrets.len(), 1, "gpg opens a compressed packet");

    for (name, expected) in CRAFTED {
        if expected.is_err() {
            continue;
        }
        let stored = crate_reads(&crafted(name)).unwrap();
        let (public, secret) = gpg_imports(&stored);
        assert!(public.len() <= 1, "{name}: {public:?}");
        assert_eq!(secret, Vec::<String>::new(), "{name}");
    }
}
