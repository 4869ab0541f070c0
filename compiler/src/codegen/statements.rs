//! Statements: `let`, `if`, `if let`, loops, `break`, `continue` and `return`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, StackSlotData, StackSlotKind, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::bounds::{self, LoopCopy};
use crate::codegen::conditions::{LoopTargets, is_short_circuit};
use crate::codegen::counter_loops;
use crate::codegen::function::Translator;
use crate::codegen::hot::known_checks::KnownChecks;
use crate::codegen::loop_idioms;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::{IndexProofs, LoopIdioms};
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, StatementKind};

impl Translator<'_, '_, '_> {
    pub(crate) fn statement(&mut self, statement: &ast::Statement) {
        let poll_follows = std::mem::take(&mut self.poll_follows_statement);
        self.statement_kind(statement);
        // A statement of `main` that ran other script code may have reached a safe point
        // where a reload changed `main`: its end is where the new `main` is entered (unless
        // another safe point follows it at once: `poll_follows_statement`).
        if self.program_main
            && !poll_follows
            && !self.is_terminated()
            && crate::codegen::reachability::statement_may_run_script_code(self.state.checked, self.file, statement)
        {
            self.poll(statement.span, None);
        }
    }

    pub(crate) fn statement_kind(&mut self, statement: &ast::Statement) {
        match &statement.kind {
            StatementKind::Let { name, init, .. } => {
                let ty = match self.state.checked.results.local(self.file, name.span) {
                    Some(ty) => ty.clone(),
                    None => {
                        self.bug("no type recorded for a local");
                        Type::Error
                    }
                };
                let value = self.expr_to(init, &ty);
                self.declare_binding(name, ty, value);
            }
            StatementKind::Assign { target, op, value } => self.assignment(target, *op, value),
            StatementKind::Expr(expr) => {
                self.expr(expr);
            }
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => {
                if self.fused_map_update(condition, then_block, else_branch) {
                    return;
                }
                let then_label = self.builder.create_block();
                let else_label = self.builder.create_block();
                let merge = self.builder.create_block();
                let known = if is_short_circuit(condition) {
                    // Each branch is reached from more than one block of the condition.
                    self.branch_on_condition(condition, then_label, else_label, None);
                    KnownChecks::default()
                } else {
                    let condition = self.expr_value(condition);
                    // Checks made before the `if` hold in both branches, and after it if
                    // neither branch called anything.
                    let known = self.take_known_checks();
                    self.builder.ins().brif(condition, then_label, &[], else_label, &[]);
                    known
                };
                let calls_before = self.calls_emitted;
                self.builder.switch_to_block(then_label);
                self.builder.seal_block(then_label);
                self.keep_known_checks(known.clone(), then_label);
                self.block(then_block);
                self.jump_if_open(merge);
                self.builder.switch_to_block(else_label);
                self.builder.seal_block(else_label);
                self.keep_known_checks(known.clone(), else_label);
                self.else_branch(else_branch);
                self.jump_if_open(merge);
                self.builder.switch_to_block(merge);
                self.builder.seal_block(merge);
                if self.calls_emitted == calls_before {
                    self.keep_known_checks(known, merge);
                }
            }
            StatementKind::IfLet {
                pattern,
                value,
                then_block,
                else_branch,
            } => {
                // `if let NAME = optional`, the 0.1 form; any other pattern is tested as in `match`.
                let Some(name) = pattern.plain_name() else {
                    self.if_let_pattern(pattern, value, then_block, else_branch);
                    return;
                };
                let optional_type = self.ty(value);
                let optional = self.expr_value(value);
                let inner = match &optional_type {
                    Type::Optional(inner) => (**inner).clone(),
                    _ => Type::Error,
                };
                let then_label = self.builder.create_block();
                let else_label = self.builder.create_block();
                let merge = self.builder.create_block();
                self.builder.ins().brif(optional, then_label, &[], else_label, &[]);
                self.builder.switch_to_block(then_label);
                self.builder.seal_block(then_label);
                let unwrapped = self.unbox(optional, &inner);
                self.scopes.push(Vec::new());
                self.declare_local(&name.text, inner, unwrapped);
                self.block(then_block);
                self.scopes.pop();
                self.jump_if_open(merge);
                self.builder.switch_to_block(else_label);
                self.builder.seal_block(else_label);
                self.else_branch(else_branch);
                self.jump_if_open(merge);
                self.builder.switch_to_block(merge);
                self.builder.seal_block(merge);
            }
            StatementKind::While { condition, body } => {
                // Counter loops hold no loop, so a hot proven copy has one safe point, its header.
                let proven = counter_loops::counter_loop(
                    self.state.checked,
                    self.proof_cannot_fail(),
                    self.file,
                    condition,
                    body,
                )
                .is_some_and(|counter_loop| {
                    self.versioned_counter_loop(&counter_loop, condition, body, statement.span)
                });
                if !proven {
                    let header = self.builder.create_block();
                    self.while_loop(condition, body, &[], 0, LoopCopy::at(statement.span, header, None));
                }
            }
            StatementKind::ForRange {
                variable,
                start,
                end,
                inclusive,
                body,
            } => self.for_range(variable, start, end, *inclusive, body, statement.span),
            StatementKind::ForEach {
                first,
                second,
                iterable,
                body,
            } => self.for_each(first, second.as_ref(), iterable, body, statement.span),
            StatementKind::Break => {
                if let Some(&(_, exit)) = self.loops.last() {
                    self.builder.ins().jump(exit, &[]);
                }
            }
            StatementKind::Continue => {
                if let Some(&(next, _)) = self.loops.last() {
                    self.builder.ins().jump(next, &[]);
                }
            }
            StatementKind::Return(value) => {
                let value = match (value, self.result.clone()) {
                    (Some(value), Some(result)) => Some(self.expr_to(value, &result)),
                    (Some(value), None) => {
                        self.expr(value);
                        None
                    }
                    _ => None,
                };
                if !self.is_terminated() {
                    self.return_status(0, value);
                }
            }
            StatementKind::Error => self.bug("an erroneous statement reached code generation"),
            StatementKind::LetElse {
                pattern,
                value,
                else_block,
            } => self.let_else(pattern, value, else_block.as_ref(), statement.span),
            StatementKind::Match(match_statement) => self.match_statement(match_statement, statement.span),
        }
    }

    pub(crate) fn jump_if_open(&mut self, target: ir::Block) {
        if !self.is_terminated() {
            self.builder.ins().jump(target, &[]);
        }
    }

    pub(crate) fn else_branch(&mut self, else_branch: &Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => {
                self.scopes.push(Vec::new());
                // Its end is the end of the enclosing `if`, whose own poll (or the safe point
                // after it) follows.
                self.poll_follows_statement = self.program_main;
                self.statement(statement);
                self.scopes.pop();
            }
            None => {}
        }
    }

    pub(crate) fn for_range(
        &mut self,
        variable: &ast::Name,
        start: &Expr,
        end: &Expr,
        inclusive: bool,
        body: &ast::Block,
        span: Span,
    ) {
        let proofs = self.state.target.index_proofs();
        // Under hot reload every proven loop is versioned, so that its poll has a checked
        // copy to go on in, and holds no loop, so that its header is its only safe point.
        let bounded_array = match proofs {
            IndexProofs::Used => bounds::length_bounded_array(
                self.state.checked,
                self.proof_cannot_fail(),
                self.file,
                variable,
                start,
                end,
                inclusive,
                body,
            ),
            IndexProofs::BetweenSafePoints => None,
        };
        let inner_loops = match proofs {
            IndexProofs::Used => bounds::InnerLoops::Innermost,
            IndexProofs::BetweenSafePoints => bounds::InnerLoops::None,
        };
        let (indexed_arrays, callees) = if bounded_array.is_none() {
            bounds::indexed_arrays(
                self.state.checked,
                self.versioned_proof_callees(),
                self.file,
                variable,
                body,
                inner_loops,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let push_loop = match self.state.target.loop_idioms() {
            LoopIdioms::Replaced => loop_idioms::push_loop(self.state.checked, self.file, variable, body)
                .and_then(|push| Some((self.push_loop_array(&push)?, push))),
        };
        let start = self.expr_value(start);
        let end = self.expr_value(end);
        if let Some((array, push)) = push_loop {
            return self.push_repeated(&push, array, start, end, inclusive);
        }
        let counter = self.builder.declare_var(types::I64);
        if let Some(array) = bounded_array.and_then(|array| self.plain_array_local(array)) {
            let header = self.builder.create_block();
            let copy = LoopCopy::at(span, header, None);
            return self.range_loop(variable, start, end, inclusive, body, copy, counter, &[array]);
        }
        let arrays: Vec<Variable> = indexed_arrays
            .into_iter()
            .filter_map(|array| self.plain_array_local(array))
            .collect();
        let fixed_cells = self.loop_fixed_cells(body);
        if arrays.is_empty() && fixed_cells.is_empty() {
            let header = self.builder.create_block();
            let copy = LoopCopy::at(span, header, None);
            return self.range_loop(variable, start, end, inclusive, body, copy, counter, &[]);
        }
        // Loop versioning (`bounds::indexed_arrays`): the loop without those checks when
        // every `xs[i]` is in range for every `i` of the range, the checked loop otherwise.
        // Under hot reload the first copy also reads fields at the offsets compiled, when the
        // layout compiled is the one in use (`hot/fixed_layout.rs`).
        let layout_holds = (!fixed_cells.is_empty()).then(|| self.fixed_layout_entry());
        let mut in_range = self.builder.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, start, 0);
        if let Some(holds) = layout_holds {
            in_range = match arrays.is_empty() {
                true => holds,
                false => self.builder.ins().band(holds, in_range),
            };
        }
        for array in &arrays {
            let array = self.builder.use_var(*array);
            let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
            // The last index is `end` itself in an inclusive range.
            let fits = if inclusive {
                self.builder.ins().icmp(IntCC::SignedLessThan, end, len)
            } else {
                self.builder.ins().icmp(IntCC::SignedLessThanOrEqual, end, len)
            };
            in_range = self.builder.ins().band(in_range, fits);
        }
        // Under hot reload the proven copy calls this version of its callees directly.
        let same_versions = match proofs {
            IndexProofs::BetweenSafePoints if !arrays.is_empty() => callees,
            _ => Vec::new(),
        };
        if let Some(same) = self.slots_hold_this_version(&same_versions) {
            in_range = self.builder.ins().band(in_range, same);
        }
        // Both copies count with `counter`, so the proven copy's poll can go on in the checked
        // copy's header with the iteration it reached.
        let leaves = proofs == IndexProofs::BetweenSafePoints;
        self.versioned_loop(
            in_range,
            span,
            leaves,
            |this, copy| {
                let known_versions = this.same_version_callees.len();
                this.same_version_callees.extend(same_versions);
                this.enter_fixed_layout(fixed_cells);
                this.range_loop(variable, start, end, inclusive, body, copy, counter, &arrays);
                this.fixed_layout = None;
                this.same_version_callees.truncate(known_versions);
            },
            |this, copy| this.range_loop(variable, start, end, inclusive, body, copy, counter, &[]),
        );
    }

    /// A loop emitted twice and chosen at entry (loop versioning: bounds proofs in
    /// `bounds.rs` and `counter_loops.rs`, fixed layouts in `hot/fixed_layout.rs`): `first`
    /// when `condition` holds, `second` otherwise, each given its copy. Both copies count with
    /// the same variables, so with `leaves` (hot reload) the first copy's header poll goes on
    /// in the second's header, at the iteration it reached (`LoopCopy::leave_to`).
    pub(crate) fn versioned_loop(
        &mut self,
        condition: Value,
        span: Span,
        leaves: bool,
        first: impl FnOnce(&mut Self, LoopCopy),
        second: impl FnOnce(&mut Self, LoopCopy),
    ) {
        let first_entry = self.builder.create_block();
        let second_entry = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.ins().brif(condition, first_entry, &[], second_entry, &[]);
        self.builder.switch_to_block(first_entry);
        self.builder.seal_block(first_entry);
        let first_header = self.builder.create_block();
        let leave_to = leaves.then(|| self.builder.create_block());
        first(self, LoopCopy::at(span, first_header, leave_to));
        self.jump_if_open(done);
        self.builder.switch_to_block(second_entry);
        self.builder.seal_block(second_entry);
        let second_header = leave_to.unwrap_or_else(|| self.builder.create_block());
        second(self, LoopCopy::at(span, second_header, None));
        self.jump_if_open(done);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
    }

    /// The safe point at the header of a loop copy: a proven copy under hot reload goes on
    /// in its checked copy after the poll's slow path (`Translator::poll_leaving_proof`).
    pub(crate) fn loop_header_poll(&mut self, copy: LoopCopy) {
        match copy.leave_to {
            Some(checked_header) => self.poll_leaving_proof(copy.span, checked_header),
            None => self.poll(copy.span, None),
        }
        self.fixed_layout_iteration_starts();
    }

    /// The local `array` names at this point when it is a plain local (not a cell) of an
    /// array type: only those take part in bounds proofs.
    fn plain_array_local(&self, array: &ast::Name) -> Option<Variable> {
        let (local, ty) = self.lookup_local(&array.text)?;
        (matches!(ty, Type::Array(_)) && !self.is_cell_variable(local)).then_some(local)
    }

    /// The loop of `for variable in start..end` (values already evaluated), where
    /// `array[variable]` is proven in range for each of `proven_arrays`.
    #[allow(clippy::too_many_arguments)]
    fn range_loop(
        &mut self,
        variable: &ast::Name,
        start: Value,
        end: Value,
        inclusive: bool,
        body: &ast::Block,
        copy: LoopCopy,
        counter: Variable,
        proven_arrays: &[Variable],
    ) {
        self.builder.def_var(counter, start);
        // The index local is declared in the body, the data pointers are loaded here, before
        // the loop (`bounds::ProvenIndex`): the counter stands for the index until then.
        let mut facts: Vec<_> = proven_arrays
            .iter()
            .map(|array| self.proven_index(*array, counter))
            .collect();
        let header = copy.header;
        let body_label = self.builder.create_block();
        let next = self.builder.create_block();
        let exit = self.builder.create_block();
        // An inclusive range must not step past `end` (which may be the largest int).
        let condition = if inclusive {
            IntCC::SignedLessThanOrEqual
        } else {
            IntCC::SignedLessThan
        };
        let enter = self.builder.ins().icmp(condition, start, end);
        self.builder.ins().brif(enter, body_label, &[], exit, &[]);
        self.builder.switch_to_block(body_label);
        let current = self.builder.use_var(counter);
        self.scopes.push(Vec::new());
        let index_local = self.declare_local(&variable.text, Type::Int, current);
        facts.iter_mut().for_each(|fact| fact.index = index_local);
        self.loops.push((next, exit));
        let known = self.proven_indices.len();
        self.proven_indices.extend(facts);
        self.block(body);
        self.proven_indices.truncate(known);
        self.loops.pop();
        self.scopes.pop();
        self.jump_if_open(next);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        let current = self.builder.use_var(counter);
        if inclusive {
            let at_end = self.builder.ins().icmp(IntCC::Equal, current, end);
            let stepped = self.builder.ins().iadd_imm_s(current, 1);
            self.builder.def_var(counter, stepped);
            self.builder.ins().brif(at_end, exit, &[], header, &[]);
        } else {
            let stepped = self.builder.ins().iadd_imm_s(current, 1);
            self.builder.def_var(counter, stepped);
            self.builder.ins().jump(header, &[]);
        }
        self.builder.switch_to_block(header);
        self.loop_header_poll(copy);
        let current = self.builder.use_var(counter);
        let more = self.builder.ins().icmp(condition, current, end);
        self.builder.ins().brif(more, body_label, &[], exit, &[]);
        self.builder.seal_block(header);
        self.builder.seal_block(body_label);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    pub(crate) fn for_each(
        &mut self,
        first: &ast::Name,
        second: Option<&ast::Name>,
        iterable: &Expr,
        body: &ast::Block,
        span: Span,
    ) {
        let iterable_type = self.ty(iterable);
        let collection = self.expr_value(iterable);
        let (sequence, element, map) = match &iterable_type {
            Type::Array(element) => (collection, (**element).clone(), None),
            Type::Map(key, value) => {
                // Iterate over a snapshot of the keys: keys inserted during the loop are not
                // visited (nor one removed and inserted again), removed ones are skipped,
                // values are read fresh.
                let ctx = self.ctx;
                let insertions = self
                    .call_runtime("lang_rt_map_insertions", &[ctx, collection])
                    .unwrap_or(collection);
                let keys = self
                    .call_runtime_at("lang_rt_map_keys", &[ctx, collection], iterable.span)
                    .unwrap_or(collection);
                (
                    keys,
                    (**key).clone(),
                    Some(((**key).clone(), (**value).clone(), insertions)),
                )
            }
            _ => {
                self.bug("iteration over a value that is not an array or a map");
                return;
            }
        };
        let index = self.builder.declare_var(types::I64);
        let zero = self.iconst(0);
        self.builder.def_var(index, zero);
        let each = EachLoop {
            first,
            second,
            collection,
            sequence,
            element,
            map,
            index,
            body,
        };
        // Under hot reload, two copies chosen at entry when the body reads fields: the first
        // at the offsets of the layout compiled (`hot/fixed_layout.rs`).
        let fixed_cells = match &each.map {
            None => self.loop_fixed_cells(body),
            Some(_) => Vec::new(),
        };
        if fixed_cells.is_empty() {
            let header = self.builder.create_block();
            return self.each_loop(&each, LoopCopy::at(span, header, None));
        }
        let holds = self.fixed_layout_entry();
        self.versioned_loop(
            holds,
            span,
            true,
            |this, copy| {
                this.enter_fixed_layout(fixed_cells);
                this.each_loop(&each, copy);
                this.fixed_layout = None;
            },
            |this, copy| this.each_loop(&each, copy),
        );
    }

    /// One copy of the loop of a `for` over an array or a map's keys.
    fn each_loop(&mut self, each: &EachLoop, copy: LoopCopy) {
        let EachLoop {
            first,
            second,
            collection,
            sequence,
            ref element,
            ref map,
            index,
            body,
        } = *each;
        let zero = self.iconst(0);
        let header = copy.header;
        let body_label = self.builder.create_block();
        let next = self.builder.create_block();
        let exit = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        self.loop_header_poll(copy);
        let current = self.builder.use_var(index);
        let len = self
            .builder
            .ins()
            .load(types::I64, trusted(), sequence, ARRAY_LEN_OFFSET);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, current, len);
        let targets = LoopTargets { body: body_label, exit };
        self.branch_on_loop_comparison(more, targets);
        self.builder.switch_to_block(body_label);
        self.builder.seal_block(body_label);
        let item = self.load_element(sequence, current, element);
        self.scopes.push(Vec::new());
        match map {
            None => {
                self.declare_local(&first.text, element.clone(), item);
            }
            Some((key_type, value_type, insertions)) => {
                let (key_type, value_type, insertions) = (key_type.clone(), value_type.clone(), *insertions);
                let slot = self.lookup_slot();
                let out = self.builder.ins().stack_addr(types::I64, slot, 0);
                let ctx = self.ctx;
                let key_word = self.word_of(item, &key_type);
                let found = self
                    .call_runtime(
                        "lang_rt_map_lookup_before",
                        &[ctx, collection, key_word, out, insertions],
                    )
                    .unwrap_or(zero);
                let present = self.builder.create_block();
                self.builder.ins().brif(found, present, &[], next, &[]);
                self.builder.switch_to_block(present);
                self.builder.seal_block(present);
                self.declare_local(&first.text, key_type, item);
                if let Some(second) = second {
                    let word = self.builder.ins().stack_load(types::I64, types::I64, slot, 0);
                    let value = self.value_of_word(word, &value_type);
                    self.declare_local(&second.text, value_type, value);
                }
            }
        }
        self.loops.push((next, exit));
        self.block(body);
        self.loops.pop();
        self.scopes.pop();
        self.jump_if_open(next);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        let current = self.builder.use_var(index);
        let stepped = self.builder.ins().iadd_imm_s(current, 1);
        self.builder.def_var(index, stepped);
        self.builder.ins().jump(header, &[]);
        self.builder.seal_block(header);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    pub(crate) fn lookup_slot(&mut self) -> ir::StackSlot {
        if let Some(slot) = self.lookup_slot {
            return slot;
        }
        let slot = self
            .builder
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
        self.lookup_slot = Some(slot);
        slot
    }

    /// The functions whose calls a bounds proof may keep in a proven body (`bounds.rs`): in
    /// `lang run` and release builds those that cannot fail (numbers only: they reach no
    /// array); under hot reload none, so that a proven body holds no call at all and its
    /// header's poll stays its only safe point.
    fn proof_cannot_fail(&self) -> &[bool] {
        match self.state.target.index_proofs() {
            IndexProofs::Used => &self.state.cannot_fail,
            IndexProofs::BetweenSafePoints => &[],
        }
    }

    /// The functions whose calls the proven copy of a versioned `for` loop may hold
    /// (`bounds::indexed_arrays`): in `lang run` and release builds those that cannot fail;
    /// under hot reload the leaves with no safe point (`hot/calls.rs`), which the copy is
    /// entered only when their slots hold this version, and then calls directly: nothing in
    /// the copy can swap, and its header's poll leaves it whenever a swap may have come.
    fn versioned_proof_callees(&self) -> &[bool] {
        match self.state.target.index_proofs() {
            IndexProofs::Used => &self.state.cannot_fail,
            IndexProofs::BetweenSafePoints => &self.state.leaves_without_safe_points,
        }
    }
}

/// A `for` loop over an array or a map's keys, its collection evaluated: what each copy of
/// its loop needs.
struct EachLoop<'a> {
    first: &'a ast::Name,
    second: Option<&'a ast::Name>,
    collection: Value,
    /// The array iterated: the collection, or a snapshot of the map's keys.
    sequence: Value,
    element: Type,
    /// For a map: its key and value types, and its insertion count before the loop.
    map: Option<(Type, Type, Value)>,
    index: Variable,
    body: &'a ast::Block,
}
