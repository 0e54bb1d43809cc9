//! Arbitrary bytes as a query string, as JSON, and split into a URL's query and a body:
//! never a panic, and a request that parses writes itself out to one that parses equal.
#![no_main]

use enswitch_people::{Actor, Privilege, Request, RequestAddress};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = Request::from_query_bytes(data) {
        oracle::check_request_round_trip(&request);
        let _ = request.problems().count();
        let caller = Actor::new(1, 1, Privilege::User).caller("", RequestAddress::Unknown);
        let _ = caller.map(|caller| caller.person_id(&request));
        let _ = format!("{request:?}");
    }
    if let Ok(request) = Request::from_json_bytes(data) {
        oracle::check_request_round_trip(&request);
        let _ = request.problems().count();
    }
    // The URL's query and a body, split where the first byte says, read as one request.
    if let Some((&first, rest)) = data.split_first() {
        let (url, body) = rest.split_at(usize::from(first).min(rest.len()));
        let content_type =
            ["application/json", "application/x-www-form-urlencoded"][usize::from(first & 1)];
        if let Ok(request) = Request::from_parts(url, Some(content_type), body) {
            oracle::check_request_round_trip(&request);
            let _ = request.problems().count();
        }
    }
});
