//! Parser-level unit tests (the conformance suite is in `tests/conformance_parser.rs`).

use super::*;

fn dump(src: &str) -> String {
    parse(src.as_bytes())
        .map(|d| d.dump())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn minimal_file() {
    assert_eq!(dump("FROM scratch\n"), "(from \"scratch\")");
}
