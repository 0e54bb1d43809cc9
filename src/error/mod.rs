//! Layer 0: the error table, Enswitch's response codes, and the report of a refusal.
//! Every other layer may use it; it uses none of them.

mod report;
mod status;
mod table;

pub use report::Report;
pub use status::{InvalidStatus, Status};
pub use table::{Error, ErrorCode, ErrorKind, UnknownErrorCode};
