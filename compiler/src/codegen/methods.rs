//! The methods of arrays and maps (LANGUAGE.md section 10): `xs.map(f)`, `xs.filter(f)`, ...,
//! `m.get(k, d)`, `m.values()`.
//!
//! The walks that call a function are loops in the generated code, so a method costs a loop
//! plus one indirect call per element, and an error in the callback propagates like any call's
//! (with the call's site in the trace). Each step reads the array's length and buffer afresh,
//! as `for x in xs` does, so a callback that pushes, pops or clears the array being walked
//! changes what is visited but never reads outside it. Callbacks are called only through
//! `call_function_value`, which owns the calling convention of function values. The methods
//! that only move elements call the runtime (`lang_rt_array_*`). `sort_by` is the built-in
//! `SortBy` of `builtins.rs`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value, types};

use crate::codegen::conditions::LoopTargets;
use crate::codegen::function::Translator;
use crate::codegen::layout::{clif_type, element_kind};
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::sema::builtins::Builtin;
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::Expr;

/// A callback: the function value and its type's parameters and result.
struct Callback {
    function: Value,
    params: Vec<Type>,
    result: Option<Type>,
}

impl Translator<'_, '_, '_> {
    /// A call of a method of the table; `args[0]` is the receiver.
    pub(crate) fn method_call(&mut self, method: Builtin, expr: &Expr, args: &[&Expr]) -> Option<Value> {
        let span = expr.span;
        let receiver_type = self.ty(args[0]);
        let receiver = self.expr_value(args[0]);
        let ctx = self.ctx;
        if let Type::Map(key, value) = &receiver_type {
            return if method == Builtin::MapGet {
                let key_value = self.expr_to(args[1], key);
                let default = self.expr_to(args[2], value);
                Some(self.map_get_or(receiver, key_value, key, default, value))
            } else {
                let kind = self.builder.ins().iconst(types::I32, element_kind(value));
                self.call_runtime_at("lang_rt_map_values", &[ctx, receiver, kind], span)
            };
        }
        let Type::Array(element) = &receiver_type else {
            self.bug("a method of arrays called on something else");
            return None;
        };
        let element = (**element).clone();
        match method {
            Builtin::ArrayMap
            | Builtin::ArrayFilter
            | Builtin::ArrayFind
            | Builtin::ArrayPosition
            | Builtin::ArrayAny
            | Builtin::ArrayAll => {
                let callback = self.callback(args[1])?;
                match method {
                    Builtin::ArrayMap => Some(self.array_map(receiver, &element, &callback, span)),
                    Builtin::ArrayFilter => Some(self.array_filter(receiver, &element, &callback, span)),
                    _ => {
                        let call_type = self.ty(expr);
                        Some(self.array_search(method, receiver, &element, &call_type, &callback, span))
                    }
                }
            }
            Builtin::ArrayReduce => {
                let init_type = self.ty(expr);
                let init = self.expr_to(args[1], &init_type);
                let callback = self.callback(args[2])?;
                Some(self.array_reduce(receiver, &element, init, &init_type, &callback, span))
            }
            Builtin::ArrayContains | Builtin::ArrayIndexOf => {
                let wanted = self.expr_to(args[1], &element);
                Some(self.array_index_of(method, receiver, &element, wanted, span))
            }
            Builtin::ArrayInsertAt => {
                let index = self.expr_value(args[1]);
                let value = self.expr_to(args[2], &element);
                let word = self.word_of(value, &element);
                self.call_runtime_at("lang_rt_array_insert_at", &[ctx, receiver, index, word], span);
                None
            }
            Builtin::ArrayRemoveAt => {
                let index = self.expr_value(args[1]);
                let word = self
                    .call_runtime_at("lang_rt_array_remove_at", &[ctx, receiver, index], span)
                    .unwrap_or(index);
                Some(self.value_of_word(word, &element))
            }
            Builtin::ArraySlice | Builtin::ArrayCopy => {
                let (start, end) = if method == Builtin::ArraySlice {
                    (self.expr_value(args[1]), self.expr_value(args[2]))
                } else {
                    let len = self
                        .builder
                        .ins()
                        .load(types::I64, trusted(), receiver, ARRAY_LEN_OFFSET);
                    (self.iconst(0), len)
                };
                let kind = self.builder.ins().iconst(types::I32, element_kind(&element));
                self.call_runtime_at("lang_rt_array_slice", &[ctx, receiver, start, end, kind], span)
            }
            Builtin::ArrayExtend => {
                let other = self.expr_value(args[1]);
                self.call_runtime_at("lang_rt_array_extend", &[ctx, receiver, other], span);
                None
            }
            Builtin::ArrayReverse => {
                self.call_runtime("lang_rt_array_reverse", &[receiver]);
                None
            }
            Builtin::ArrayClear => {
                // The buffer is kept for the elements to come; the collector only looks at
                // the first `len`.
                let zero = self.iconst(0);
                self.builder.ins().store(trusted(), zero, receiver, ARRAY_LEN_OFFSET);
                None
            }
            _ => {
                self.bug(format!("no translation for the method `{}`", method.name()));
                None
            }
        }
    }

    /// Evaluates a callback argument.
    fn callback(&mut self, arg: &Expr) -> Option<Callback> {
        let Type::Function(params, result) = self.ty(arg) else {
            self.bug("a method's callback is not a function");
            return None;
        };
        let function = self.expr_value(arg);
        Some(Callback {
            function,
            params,
            result: result.map(|result| *result),
        })
    }

    /// Calls `callback` with `arguments`, propagating its error from `span`.
    fn call_back(&mut self, callback: &Callback, arguments: &[Value], span: Span) -> Option<Value> {
        let results =
            self.call_function_value(callback.function, &callback.params, callback.result.as_ref(), arguments);
        self.finish_call(results, span)
    }

    /// Emits a walk over `array`: `step(element, index)` for each index below the length,
    /// read afresh before each step. `step` may branch away (an early exit) as long as it
    /// leaves the builder in an open block that continues the walk. Ends in the block after
    /// the walk.
    fn walk(&mut self, array: Value, element: &Type, mut step: impl FnMut(&mut Self, Value, Value)) {
        let index = self.builder.declare_var(types::I64);
        let zero = self.iconst(0);
        self.builder.def_var(index, zero);
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let exit = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        let current = self.builder.use_var(index);
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, current, len);
        self.branch_on_loop_comparison(more, LoopTargets { body, exit });
        self.builder.switch_to_block(body);
        self.builder.seal_block(body);
        let item = self.load_element(array, current, element);
        step(self, item, current);
        let next = self.builder.ins().iadd_imm_s(current, 1);
        self.builder.def_var(index, next);
        self.builder.ins().jump(header, &[]);
        self.builder.seal_block(header);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    /// A new empty array of `element` with room for `array`'s current length.
    fn array_with_room_for(&mut self, array: Value, element: &Type, span: Span) -> Value {
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let kind = self.builder.ins().iconst(types::I32, element_kind(element));
        let ctx = self.ctx;
        let new = self
            .call_runtime_at("lang_rt_array_new", &[ctx, kind, len], span)
            .unwrap_or(len);
        let zero = self.iconst(0);
        self.builder.ins().store(trusted(), zero, new, ARRAY_LEN_OFFSET);
        new
    }

    fn array_map(&mut self, array: Value, element: &Type, callback: &Callback, span: Span) -> Value {
        let result_type = callback.result.clone().unwrap_or(Type::Error);
        let out = self.array_with_room_for(array, &result_type, span);
        self.walk(array, element, |this, item, _| {
            if let Some(value) = this.call_back(callback, &[item], span) {
                this.push(out, value, &result_type, span);
            }
        });
        out
    }

    fn array_filter(&mut self, array: Value, element: &Type, callback: &Callback, span: Span) -> Value {
        let out = self.array_with_room_for(array, element, span);
        self.walk(array, element, |this, item, _| {
            let keep = this.call_back(callback, &[item], span).unwrap_or(item);
            let push_block = this.builder.create_block();
            let continue_block = this.builder.create_block();
            this.builder.ins().brif(keep, push_block, &[], continue_block, &[]);
            this.builder.switch_to_block(push_block);
            this.builder.seal_block(push_block);
            this.push(out, item, element, span);
            this.builder.ins().jump(continue_block, &[]);
            this.builder.switch_to_block(continue_block);
            this.builder.seal_block(continue_block);
        });
        out
    }

    /// `find`, `position`, `any` and `all`: a walk that stops at the first element whose
    /// answer is decisive (true, or false for `all`).
    fn array_search(
        &mut self,
        method: Builtin,
        array: Value,
        element: &Type,
        call_type: &Type,
        callback: &Callback,
        span: Span,
    ) -> Value {
        let result_type = match method {
            Builtin::ArrayAny | Builtin::ArrayAll => types::I8,
            _ => types::I64,
        };
        let done = self.builder.create_block();
        let result = self.builder.append_block_param(done, result_type);
        self.walk(array, element, |this, item, index| {
            let answer = this.call_back(callback, &[item], span).unwrap_or(item);
            let stop = this.builder.create_block();
            let continue_block = this.builder.create_block();
            if method == Builtin::ArrayAll {
                this.builder.ins().brif(answer, continue_block, &[], stop, &[]);
            } else {
                this.builder.ins().brif(answer, stop, &[], continue_block, &[]);
            }
            this.builder.switch_to_block(stop);
            this.builder.seal_block(stop);
            let value = match method {
                Builtin::ArrayFind => this.coerce(item, element, call_type, span),
                Builtin::ArrayPosition => this.coerce(index, &Type::Int, &Type::optional(Type::Int), span),
                Builtin::ArrayAny => this.builder.ins().iconst(types::I8, 1),
                _ => this.builder.ins().iconst(types::I8, 0),
            };
            this.builder.ins().jump(done, &[BlockArg::Value(value)]);
            this.builder.switch_to_block(continue_block);
            this.builder.seal_block(continue_block);
        });
        // The walk ended without a decisive answer: `nil`, false, or true for `all`.
        let value = self
            .builder
            .ins()
            .iconst(result_type, (method == Builtin::ArrayAll) as i64);
        self.builder.ins().jump(done, &[BlockArg::Value(value)]);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
        result
    }

    fn array_reduce(
        &mut self,
        array: Value,
        element: &Type,
        init: Value,
        accumulator_type: &Type,
        callback: &Callback,
        span: Span,
    ) -> Value {
        let accumulator = self
            .builder
            .declare_var(clif_type(accumulator_type).unwrap_or(types::I64));
        self.builder.def_var(accumulator, init);
        self.walk(array, element, |this, item, _| {
            let current = this.builder.use_var(accumulator);
            if let Some(next) = this.call_back(callback, &[current, item], span) {
                this.builder.def_var(accumulator, next);
            }
        });
        self.builder.use_var(accumulator)
    }

    /// `contains` and `index_of`: the first element `==` to `wanted`.
    fn array_index_of(&mut self, method: Builtin, array: Value, element: &Type, wanted: Value, span: Span) -> Value {
        let result_type = if method == Builtin::ArrayContains {
            types::I8
        } else {
            types::I64
        };
        let done = self.builder.create_block();
        let result = self.builder.append_block_param(done, result_type);
        self.walk(array, element, |this, item, index| {
            let equal = this.equal(item, element, wanted, element);
            let found = this.builder.create_block();
            let continue_block = this.builder.create_block();
            this.builder.ins().brif(equal, found, &[], continue_block, &[]);
            this.builder.switch_to_block(found);
            this.builder.seal_block(found);
            let value = if method == Builtin::ArrayContains {
                this.builder.ins().iconst(types::I8, 1)
            } else {
                this.coerce(index, &Type::Int, &Type::optional(Type::Int), span)
            };
            this.builder.ins().jump(done, &[BlockArg::Value(value)]);
            this.builder.switch_to_block(continue_block);
            this.builder.seal_block(continue_block);
        });
        let value = self.builder.ins().iconst(result_type, 0);
        self.builder.ins().jump(done, &[BlockArg::Value(value)]);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
        result
    }

    /// `m.get(k, d)`: `m[k]`, or `d` (already evaluated) when `k` is missing.
    fn map_get_or(&mut self, map: Value, key: Value, key_type: &Type, default: Value, value_type: &Type) -> Value {
        let slot = self.lookup_slot();
        let out = self.builder.ins().stack_addr(types::I64, slot, 0);
        let key_word = self.word_of(key, key_type);
        let ctx = self.ctx;
        let found = self
            .call_runtime("lang_rt_map_lookup", &[ctx, map, key_word, out])
            .unwrap_or(key_word);
        let present = self.builder.create_block();
        let done = self.builder.create_block();
        let default_word = self.word_of(default, value_type);
        let result = self.builder.append_block_param(done, types::I64);
        self.builder
            .ins()
            .brif(found, present, &[], done, &[BlockArg::Value(default_word)]);
        self.builder.switch_to_block(present);
        self.builder.seal_block(present);
        let word = self.builder.ins().stack_load(types::I64, types::I64, slot, 0);
        self.builder.ins().jump(done, &[BlockArg::Value(word)]);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
        self.value_of_word(result, value_type)
    }
}
