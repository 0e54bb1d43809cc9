//! The people the tests and the benchmarks share, written once.

use enswitch_people::Person;

/// A person with every field set to a valid value.
#[must_use]
pub fn person(id: u64, customer: u64, role: u64, username: &str) -> Person {
    Person {
        id,
        customer,
        role,
        username: username.to_owned(),
        forename: "Alice".into(),
        surname: "Smith".into(),
        title: "Ms".into(),
        company: "Acme".into(),
        description: "Sales".into(),
        email: "alice@acme.example".into(),
        telephone: "+442079460001".into(),
        mobile: "+447700900001".into(),
        fax: "+442079460002".into(),
        extension: "201".into(),
        country: "GB".into(),
        language: "en-GB".into(),
        timezone: "Europe/London".into(),
        date_format: "DD/MM/YYYY".into(),
        time_format: "24".into(),
        source: String::new(),
        public_key: String::new(),
    }
}
