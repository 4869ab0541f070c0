//! `xs.sort_by(less)` (and `sort.sort_by(xs, less)`): a stable bottom-up merge sort emitted
//! as loops in the generated code, calling `less` through `call_function_value` like every
//! call of a function value.
//!
//! The sort works on two copies of the elements, so whatever `less` does cannot make it read
//! outside an array: it may answer inconsistently (the elements end in some order), change
//! the array being sorted (then the sorted copy is written back only if the length is still
//! the same), or raise (the error propagates from the call's site and the array keeps its
//! elements as they were). The copies are ordinary arrays, kept alive by the collector's scan
//! of the stack.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::conditions::LoopTargets;
use crate::codegen::function::Translator;
use crate::codegen::layout::element_kind;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::sema::types::Type;
use crate::source::Span;

impl Translator<'_, '_, '_> {
    /// Sorts `array` (of `element`) in place with the function value `less`.
    pub(crate) fn array_sort_by(&mut self, array: Value, element: &Type, less: Value, span: Span) {
        let params = [element.clone(), element.clone()];
        let ctx = self.ctx;
        let n = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let kind = self.builder.ins().iconst(types::I32, element_kind(element));
        let zero = self.iconst(0);
        let first = self
            .call_runtime_at("lang_rt_array_slice", &[ctx, array, zero, n, kind], span)
            .unwrap_or(array);
        let second = self
            .call_runtime_at("lang_rt_array_slice", &[ctx, array, zero, n, kind], span)
            .unwrap_or(array);
        let source = self.variable(first);
        let target = self.variable(second);
        let one = self.iconst(1);
        let width = self.variable(one);
        // Merge runs of `width` from `source` into `target`, then swap them, until one run
        // holds everything.
        self.emit_while(
            |this| {
                let width = this.builder.use_var(width);
                this.builder.ins().icmp(IntCC::SignedLessThan, width, n)
            },
            |this| {
                let zero = this.iconst(0);
                let start = this.variable(zero);
                this.emit_while(
                    |this| {
                        let start = this.builder.use_var(start);
                        this.builder.ins().icmp(IntCC::SignedLessThan, start, n)
                    },
                    |this| {
                        let from = this.builder.use_var(start);
                        let run = this.builder.use_var(width);
                        let middle = this.builder.ins().iadd(from, run);
                        let middle = this.smaller(middle, n);
                        let end = this.builder.ins().iadd(middle, run);
                        let end = this.smaller(end, n);
                        this.merge(source, target, from, middle, end, element, less, &params, span);
                        this.builder.def_var(start, end);
                    },
                );
                let (old_source, old_target) = (this.builder.use_var(source), this.builder.use_var(target));
                this.builder.def_var(source, old_target);
                this.builder.def_var(target, old_source);
                let run = this.builder.use_var(width);
                let doubled = this.builder.ins().ishl_imm_s(run, 1);
                this.builder.def_var(width, doubled);
            },
        );
        // Written back only when `less` left the length alone.
        let sorted = self.builder.use_var(source);
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let unchanged = self.builder.ins().icmp(IntCC::Equal, len, n);
        let write_back = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.ins().brif(unchanged, write_back, &[], done, &[]);
        self.builder.switch_to_block(write_back);
        self.builder.seal_block(write_back);
        let zero = self.iconst(0);
        self.builder.ins().store(trusted(), zero, array, ARRAY_LEN_OFFSET);
        self.call_runtime_at("lang_rt_array_extend", &[ctx, array, sorted], span);
        self.builder.ins().jump(done, &[]);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
    }

    /// Merges `source[from..middle]` and `source[middle..end]` into `target[from..end]`,
    /// taking from the left run unless the right element is `less` than the left one.
    #[allow(clippy::too_many_arguments)]
    fn merge(
        &mut self,
        source: Variable,
        target: Variable,
        from: Value,
        middle: Value,
        end: Value,
        element: &Type,
        less: Value,
        params: &[Type],
        span: Span,
    ) {
        let left = self.variable(from);
        let right = self.variable(middle);
        let out = self.variable(from);
        self.emit_while(
            |this| {
                let out = this.builder.use_var(out);
                this.builder.ins().icmp(IntCC::SignedLessThan, out, end)
            },
            |this| {
                let take_left = this.builder.create_block();
                let take_right = this.builder.create_block();
                let left_remains = this.builder.create_block();
                let compare = this.builder.create_block();
                let next = this.builder.create_block();
                let (i, j) = (this.builder.use_var(left), this.builder.use_var(right));
                let left_open = this.builder.ins().icmp(IntCC::SignedLessThan, i, middle);
                this.builder.ins().brif(left_open, left_remains, &[], take_right, &[]);
                this.builder.switch_to_block(left_remains);
                this.builder.seal_block(left_remains);
                let right_done = this.builder.ins().icmp(IntCC::SignedGreaterThanOrEqual, j, end);
                this.builder.ins().brif(right_done, take_left, &[], compare, &[]);
                this.builder.switch_to_block(compare);
                this.builder.seal_block(compare);
                let from_source = this.builder.use_var(source);
                let right_item = this.load_element(from_source, j, element);
                let left_item = this.load_element(from_source, i, element);
                let results = this.call_function_value(less, params, Some(&Type::Bool), &[right_item, left_item]);
                let right_first = this.finish_call(results, span).unwrap_or(i);
                this.builder.ins().brif(right_first, take_right, &[], take_left, &[]);
                for (block, index, cursor) in [(take_left, i, left), (take_right, j, right)] {
                    this.builder.switch_to_block(block);
                    this.builder.seal_block(block);
                    let (from_source, to_target) = (this.builder.use_var(source), this.builder.use_var(target));
                    let item = this.load_element(from_source, index, element);
                    let k = this.builder.use_var(out);
                    let address = this.element_address(to_target, k, element);
                    this.store_element_at(address, 0, item, element);
                    let stepped = this.builder.ins().iadd_imm_s(index, 1);
                    this.builder.def_var(cursor, stepped);
                    this.builder.ins().jump(next, &[]);
                }
                this.builder.switch_to_block(next);
                this.builder.seal_block(next);
                let k = this.builder.use_var(out);
                let stepped = this.builder.ins().iadd_imm_s(k, 1);
                this.builder.def_var(out, stepped);
            },
        );
    }

    /// A new variable of the word type holding `value`.
    fn variable(&mut self, value: Value) -> Variable {
        let variable = self.builder.declare_var(types::I64);
        self.builder.def_var(variable, value);
        variable
    }

    fn smaller(&mut self, a: Value, b: Value) -> Value {
        let a_first = self.builder.ins().icmp(IntCC::SignedLessThan, a, b);
        self.builder.ins().select(a_first, a, b)
    }

    /// `while condition { body }`; the condition is evaluated in the loop's header.
    pub(crate) fn emit_while(&mut self, condition: impl FnOnce(&mut Self) -> Value, body: impl FnOnce(&mut Self)) {
        let header = self.builder.create_block();
        let body_block = self.builder.create_block();
        let exit = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        let more = condition(self);
        let targets = LoopTargets { body: body_block, exit };
        self.branch_on_loop_comparison(more, targets);
        self.builder.switch_to_block(body_block);
        self.builder.seal_block(body_block);
        body(self);
        self.builder.ins().jump(header, &[]);
        self.builder.seal_block(header);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }
}
