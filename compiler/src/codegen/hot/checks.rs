//! Keeping and forgetting the known checks of hot-reload code as blocks are emitted.

use cranelift_codegen::ir;

use crate::codegen::function::Translator;
use crate::codegen::hot::known_checks::KnownChecks;

impl Translator<'_, '_, '_> {
    /// The checks known to hold here (see [`KnownChecks`]).
    pub(crate) fn known_checks(&mut self) -> &mut KnownChecks {
        let current = self.builder.current_block();
        if self.known_checks.block != current {
            self.known_checks = KnownChecks {
                block: current,
                ..KnownChecks::default()
            };
        }
        &mut self.known_checks
    }

    /// Forgets every known check: a call follows, which may swap in new code.
    pub(crate) fn forget_checks(&mut self) {
        self.known_checks = KnownChecks::default();
        self.calls_emitted += 1;
    }

    /// The checks known before an error check's branch (the error path is emitted in
    /// between, and its calls must not make the continuation forget them).
    pub(crate) fn take_known_checks(&mut self) -> KnownChecks {
        let current = self.builder.current_block();
        let known = std::mem::take(&mut self.known_checks);
        if known.block == current {
            known
        } else {
            KnownChecks::default()
        }
    }

    /// The continuation of an error check is reached only from the block before it.
    pub(crate) fn keep_known_checks(&mut self, known: KnownChecks, continuation: ir::Block) {
        self.known_checks = KnownChecks {
            block: Some(continuation),
            ..known
        };
    }
}
