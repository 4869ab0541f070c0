//! `lang cache clean` and `lang cache dir`: the compile cache from the command line, and
//! opening it for `lang run`.

use lang_compiler::cache::CodeCache;

use super::{EXIT_COMPILE_ERROR, EXIT_USAGE};
use crate::cli::CacheAction;
use crate::output;

pub fn run(action: CacheAction) -> u8 {
    let Some(directory) = lang_compiler::cache::default_directory() else {
        output::print_error("no cache folder: neither XDG_CACHE_HOME nor HOME is an absolute path");
        return EXIT_USAGE;
    };
    match action {
        CacheAction::Dir => {
            if output::write_stdout(&format!("{}\n", directory.display())) {
                0
            } else {
                EXIT_COMPILE_ERROR
            }
        }
        CacheAction::Clean => match lang_compiler::cache::clean(&directory) {
            Ok(()) => 0,
            Err(error) => {
                output::print_error(&format!("cannot empty the cache `{}`: {error}", directory.display()));
                // Exit 1, as for a file that cannot be read: the folder's permissions are the
                // user's to fix, not a bug of `lang` (101).
                EXIT_COMPILE_ERROR
            }
        },
    }
}

/// The compile cache for this process, unless `LANG_CACHE=0` turns it off. It lives as long
/// as the process: compiled programs only borrow it while compiling.
pub fn open_for_process() -> Option<&'static CodeCache> {
    CodeCache::from_environment().map(|cache| &*Box::leak(Box::new(cache)))
}
