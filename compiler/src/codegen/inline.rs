//! Cranelift's inliner for small script functions: which bodies are candidates, and the
//! callback that inlines them.

use std::collections::HashMap;

use cranelift_codegen::ir::{self, FuncRef, Value};
use cranelift_module::FuncId;

use crate::codegen::ProgramState;

/// A function is small enough to inline when it has at most this many instructions.
pub(crate) const INLINE_LIMIT: usize = 60;

/// Tells Cranelift which direct calls to inline: calls to small script functions, one level
/// deep (a recursive function is inlined into itself once).
pub(crate) struct Inliner<'a> {
    pub(crate) candidates: &'a HashMap<u32, ir::Function>,
}

impl cranelift_codegen::inline::Inline for Inliner<'_> {
    fn inline(
        &mut self,
        caller: &ir::Function,
        _call: ir::Inst,
        _opcode: ir::Opcode,
        callee: FuncRef,
        _args: &[Value],
    ) -> cranelift_codegen::inline::InlineCommand<'_> {
        use cranelift_codegen::inline::InlineCommand;
        let ir::ExternalName::User(reference) = &caller.dfg.ext_funcs[callee].name else {
            return InlineCommand::KeepCall;
        };
        let name = &caller.params.user_named_funcs()[*reference];
        match self.candidates.get(&name.index) {
            Some(body) if name.namespace == 0 => InlineCommand::Inline {
                callee: std::borrow::Cow::Owned(with_caller_symbol_names(caller, body)),
                visit_callee: false,
            },
            _ => InlineCommand::KeepCall,
        }
    }
}

/// A copy of `callee` whose symbol global values name their targets by the references they
/// will have in `caller` once inlined.
///
/// Cranelift's inliner (0.135) remaps the external names of the callee's function imports into
/// the caller's name table but copies symbol global values (our data references: literals,
/// sites, tables) unchanged, so their references would index the caller's table wrongly. The
/// inliner adds the callee's names to the caller's table in order, reusing names the caller
/// already has; this predicts that mapping and rewrites the symbols to match.
pub(crate) fn with_caller_symbol_names(caller: &ir::Function, callee: &ir::Function) -> ir::Function {
    use cranelift_codegen::entity::EntityRef;
    let mut body = callee.clone();
    let mut next = caller.params.user_named_funcs().len();
    let mut mapping = HashMap::new();
    for (callee_reference, name) in callee.params.user_named_funcs().iter() {
        let existing = caller
            .params
            .user_named_funcs()
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(reference, _)| reference);
        let caller_reference = match existing {
            Some(reference) => reference,
            None => {
                let reference = ir::UserExternalNameRef::new(next);
                next += 1;
                reference
            }
        };
        mapping.insert(callee_reference, caller_reference);
    }
    for value in body.global_values.values_mut() {
        if let ir::GlobalValueData::Symbol {
            name: ir::ExternalName::User(reference),
            ..
        } = value
            && let Some(mapped) = mapping.get(reference)
        {
            *reference = *mapped;
        }
    }
    body
}

/// The bodies small enough to inline, by function index (none when inlining is off).
pub(crate) fn inline_candidates(
    state: &ProgramState<'_>,
    bodies: &[(FuncId, String, ir::Function)],
) -> HashMap<u32, ir::Function> {
    if !state.options.inline {
        return HashMap::new();
    }
    // The script functions compiled here: in hot mode most of the program's functions have
    // the placeholder id of `not_compiled_here`, and a set of every one of them, made for each
    // module of a version, was a tenth of `--hmr`'s first compile at 100,000 lines.
    let placeholder = crate::codegen::hot::not_compiled_here();
    let script_functions: std::collections::HashSet<FuncId> = state
        .functions
        .iter()
        .copied()
        .filter(|id| *id != placeholder)
        .collect();
    bodies
        .iter()
        .filter(|(id, _, function)| {
            script_functions.contains(id)
                && !state.never_inlined.contains(&id.as_u32())
                && is_small_enough_to_inline(function)
        })
        .map(|(id, _, function)| {
            // Hot mode inlines the copy made for it (`hot/inlining.rs`), when there is one.
            let body = state.inline_variants.get(&id.as_u32()).unwrap_or(function);
            (id.as_u32(), body.clone())
        })
        .collect()
}

/// Whether a translated body is small enough to inline (cold blocks, such as hot reload's
/// safe-point polls, are not counted).
pub(crate) fn is_small_enough_to_inline(function: &ir::Function) -> bool {
    function
        .layout
        .blocks()
        .filter(|block| !function.layout.is_cold(*block))
        .flat_map(|block| function.layout.block_insts(block))
        .count()
        <= INLINE_LIMIT
}
