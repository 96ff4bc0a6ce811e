//! RUN's flags, one module each: how a flag is written ([`FlagSpec`]), read, expanded and
//! which stages it names. What a flag does to the build is in the matching module of
//! `convert`'s RUN dispatch.
//!
//! Adding a flag: a module here implementing [`RunFlag`], a line in `run_flags!` below, and
//! the conversion side the compiler then asks for (RUN's dispatch destructures [`RunFlags`]).

mod device;
mod mount;
mod network;
mod no_cache;
mod security;

pub use device::{Device, Devices, parse_device};
pub use mount::{Mount, MountType, Mounts, ShareMode, parse_mount};
pub use network::NetworkMode;
pub use no_cache::NoCache;
pub use security::SecurityMode;

use super::errors::InvalidInput;
use super::expand::Expander;
use super::flags::{FlagSpec, ParsedFlags};

/// A flag of RUN.
pub trait RunFlag: Sized {
    /// The flag's name, kind and default.
    const SPEC: FlagSpec;

    /// The value from the parsed flags (the default when the flag is absent).
    fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput>;

    /// Expands variables in the value, once the stage's variables are known. Most flags take
    /// their value literally.
    fn expand(&mut self, _expand: &mut Expander<'_>) -> Result<(), InvalidInput> {
        Ok(())
    }

    /// The stages (names, indexes or image references) the value uses, in order.
    fn stage_refs(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Declares [`RunFlags`] with one field per flag.
macro_rules! run_flags {
    ($($field:ident: $flag:ty),* $(,)?) => {
        /// The flags of one RUN, one field per flag.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct RunFlags {
            $(#[doc = concat!("See [`", stringify!($flag), "`].")] pub $field: $flag,)*
        }

        impl RunFlags {
            /// How every RUN flag is written.
            pub const SPECS: &'static [FlagSpec] = &[$(<$flag as RunFlag>::SPEC),*];

            pub(crate) fn parse(flags: &ParsedFlags) -> Result<Self, InvalidInput> {
                Ok(RunFlags { $($field: <$flag as RunFlag>::parse(flags)?,)* })
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

// The RUN flags, in the order upstream declares them, then rustfront's own.
run_flags! {
    device: Devices,
    mount: Mounts,
    network: NetworkMode,
    security: SecurityMode,
    no_cache: NoCache,
}
