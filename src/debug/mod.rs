//! Tools for people, behind `rustfront debug …`: nothing here runs when BuildKit starts us.
//!
//! `why` compares two revisions of a Dockerfile the way BuildKit's cache would; `context` reads
//! a revision's build context from a directory or from a git revision.

pub mod context;
pub mod why;
