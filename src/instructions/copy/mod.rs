//! COPY's and ADD's flags, one module each (BuildKit's `parseCopy`/`parseAdd` in
//! `instructions/parse.go` and the flag fields of `CopyCommand`/`AddCommand`): how a flag is
//! written ([`FlagSpec`]), read, expanded and which stages it names. What a flag does to the
//! build is in the matching module of `convert`'s COPY/ADD dispatch.
//!
//! Adding a flag: a module here implementing [`FileFlag`], a line in the `file_flags!` list of
//! each instruction that takes it (below), and the conversion side the compiler then asks for
//! (the COPY/ADD dispatch destructures [`CopyFlags`] and [`AddFlags`]).

mod checksum;
mod chmod;
mod chown;
mod exclude;
mod from;
mod keep_git_dir;
mod link;
mod parents;
mod unpack;

pub use checksum::AddChecksum;
pub use chmod::CopyChmod;
pub use chown::CopyChown;
pub use exclude::CopyExcludes;
pub use from::CopyFrom;
pub use keep_git_dir::AddKeepGitDir;
pub use link::CopyLink;
pub use parents::CopyParents;
pub use unpack::AddUnpack;

use super::errors::InvalidInput;
use super::expand::Expander;
use super::flags::{FlagSpec, ParsedFlags};

/// A flag of COPY or ADD.
pub trait FileFlag: Sized {
    /// The flag's name, kind and default.
    const SPEC: FlagSpec;

    /// The value from the parsed flags (the default when the flag is absent).
    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput>;

    /// Expands variables in the value, once the stage's variables are known. Most flags take
    /// their value literally.
    fn expand(&mut self, _expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        Ok(())
    }

    /// The stages (names or indexes) or images the value uses, in order.
    fn stage_refs(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Declares a flags struct with one field per flag; fields in upstream's declaration order
/// (which is also the order values are expanded in).
macro_rules! file_flags {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $flag:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $(#[doc = concat!("See [`", stringify!($flag), "`].")] pub $field: $flag,)*
        }

        impl $name {
            /// How every flag of the instruction is written.
            pub const SPECS: &'static [FlagSpec] = &[$(<$flag as FileFlag>::SPEC),*];

            pub(crate) fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
                Ok($name { $($field: <$flag as FileFlag>::parse(flags)?,)* })
            }

            pub(crate) fn expand(&mut self, expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
                $(self.$field.expand(expand)?;)*
                Ok(())
            }

            /// The stages the flags use, in flag order.
            pub fn stage_refs(&self) -> Vec<String> {
                let mut refs = Vec::new();
                $(refs.extend(self.$field.stage_refs());)*
                refs
            }
        }
    };
}

// The flags of each instruction, in the order upstream declares them (the order "did you
// mean" hints are drawn from).
file_flags! {
    /// The flags of one COPY, one field per flag.
    CopyFlags {
        exclude: CopyExcludes,
        parents: CopyParents,
        chown: CopyChown,
        from: CopyFrom,
        chmod: CopyChmod,
        link: CopyLink,
    }
}

file_flags! {
    /// The flags of one ADD, one field per flag.
    AddFlags {
        exclude: CopyExcludes,
        chown: CopyChown,
        chmod: CopyChmod,
        link: CopyLink,
        keep_git_dir: AddKeepGitDir,
        checksum: AddChecksum,
        unpack: AddUnpack,
    }
}
