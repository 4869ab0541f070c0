//! Built-in functions: calls, and wrappers that let a built-in be used as a value.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};

use crate::codegen::function::{Translator, translate_function};
use crate::codegen::intrinsics::{RuntimeBuiltin, runtime_builtin};
use crate::codegen::layout::element_kind;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::builtins::Builtin;
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::Expr;

/// A function with the script ABI that calls a built-in, so it can be used as a value.
pub(crate) fn translate_builtin_wrapper(state: &mut ProgramState<'_>, builtin: Builtin) -> Result<(), CodegenError> {
    let (function, _) = state.builtin_wrappers[&builtin];
    if builtin.signature().is_none() {
        return Err(CodegenError("a generic built-in used as a value".into()));
    }
    let display = builtin.name().to_string();
    let file = state.checked.program.modules[0].file;
    translate_function(state, function, display, file, |translator| {
        let values = translator.params.clone();
        let span = Span { start: 0, end: 0 };
        let result = match runtime_builtin(builtin) {
            Some(entry) => translator.call_runtime_builtin(entry, &values, span),
            None => translator.builtin_wrapper_body(builtin, &values, span),
        };
        if !translator.is_terminated() {
            translator.return_status(0, result);
        }
    })
}

impl Translator<'_, '_, '_> {
    /// The body of the wrapper of a built-in that is not only a runtime call.
    fn builtin_wrapper_body(&mut self, builtin: Builtin, values: &[Value], span: Span) -> Option<Value> {
        match builtin {
            Builtin::Sqrt => Some(self.builder.ins().sqrt(values[0])),
            Builtin::Floor => Some(self.builder.ins().floor(values[0])),
            Builtin::Ceil => Some(self.builder.ins().ceil(values[0])),
            Builtin::Assert => {
                let failed = self.builder.ins().icmp_imm_s(IntCC::Equal, values[0], 0);
                let zero = self.iconst(0);
                self.error_if(failed, span, Some((RAISE_ASSERTION, values[1], zero)));
                None
            }
            Builtin::Panic => {
                let zero = self.iconst(0);
                self.raise_and_exit(span, Some((RAISE_PANIC, values[0], zero)));
                self.start_unreachable_block();
                None
            }
            _ => {
                self.bug(format!("no wrapper for `{}`", builtin.name()));
                None
            }
        }
    }
}

impl Translator<'_, '_, '_> {
    /// Calls the runtime function of a built-in from [`runtime_builtin`] with the call's
    /// values (after the context, when the function takes it), propagating its error.
    pub(crate) fn call_runtime_builtin(
        &mut self,
        entry: RuntimeBuiltin,
        values: &[Value],
        span: Span,
    ) -> Option<Value> {
        let mut args = Vec::with_capacity(values.len() + 1);
        if entry.takes_context {
            args.push(self.ctx);
        }
        args.extend_from_slice(values);
        self.call_runtime_at(entry.symbol, &args, span)
    }

    pub(crate) fn builtin_call(&mut self, builtin: Builtin, expr: &Expr, args: &[&Expr]) -> Option<Value> {
        if builtin.is_method() {
            return self.method_call(builtin, expr, args);
        }
        let span = expr.span;
        let ctx = self.ctx;
        let arg_types: Vec<Type> = args.iter().map(|arg| self.ty(arg)).collect();
        // Built-ins with a fixed signature convert their arguments like any call.
        let values: Vec<Value> = match builtin.signature() {
            Some((params, _)) => args
                .iter()
                .zip(&params)
                .map(|(arg, param)| self.expr_to(arg, param))
                .collect(),
            None => match builtin {
                Builtin::Push | Builtin::Insert | Builtin::Fill => Vec::new(),
                _ => args.iter().map(|arg| self.expr_value(arg)).collect(),
            },
        };
        // Built-ins that only call a runtime function: one generic emitter, from the table.
        if let Some(entry) = runtime_builtin(builtin) {
            return self.call_runtime_builtin(entry, &values, span);
        }
        let first_type = arg_types.first().cloned().unwrap_or(Type::Error);
        let value = match builtin {
            Builtin::Print | Builtin::Write => {
                let newline = self.builder.ins().iconst(types::I8, (builtin == Builtin::Print) as i64);
                let name = match first_type {
                    Type::Int => "lang_rt_print_int",
                    Type::Float => "lang_rt_print_float",
                    Type::Bool => "lang_rt_print_bool",
                    _ => "lang_rt_print_str",
                };
                // An enum is printed as its `str`.
                let printed = match first_type {
                    Type::Enum(id) => self.enum_string(values[0], id, span),
                    _ => values[0],
                };
                self.call_runtime(name, &[ctx, printed, newline]);
                return None;
            }
            Builtin::Str => self.string_of(values[0], &first_type, span),
            Builtin::Int => match first_type {
                Type::Float => self.builder.ins().fcvt_to_sint_sat(types::I64, values[0]),
                Type::Str => self
                    .call_runtime_at("lang_rt_str_to_int", &[ctx, values[0]], span)
                    .unwrap_or(values[0]),
                _ => values[0],
            },
            Builtin::Float => match first_type {
                Type::Int => self.builder.ins().fcvt_from_sint(types::F64, values[0]),
                Type::Str => self
                    .call_runtime_at("lang_rt_str_to_float", &[ctx, values[0]], span)
                    .unwrap_or(values[0]),
                _ => values[0],
            },
            Builtin::Len => match first_type {
                Type::Str => self
                    .builder
                    .ins()
                    .load(types::I64, trusted(), values[0], STR_LEN_OFFSET),
                Type::Map(..) => self.call_runtime("lang_rt_map_len", &[values[0]]).unwrap_or(values[0]),
                _ => self
                    .builder
                    .ins()
                    .load(types::I64, trusted(), values[0], ARRAY_LEN_OFFSET),
            },
            Builtin::Push => {
                let Type::Array(element) = &first_type else {
                    self.bug("push onto a value that is not an array");
                    return None;
                };
                let element = (**element).clone();
                let array = self.expr_value(args[0]);
                let value = self.expr_to(args[1], &element);
                self.push(array, value, &element, span);
                return None;
            }
            Builtin::Pop => {
                let Type::Array(element) = &first_type else {
                    self.bug("pop from a value that is not an array");
                    return None;
                };
                let word = self
                    .call_runtime_at("lang_rt_array_pop", &[ctx, values[0]], span)
                    .unwrap_or(values[0]);
                self.value_of_word(word, element)
            }
            Builtin::Fill => {
                let Type::Array(element) = self.ty(expr) else {
                    self.bug("fill without an array type");
                    return None;
                };
                let count = self.expr_value(args[0]);
                let value = self.expr_to(args[1], &element);
                let word = self.word_of(value, &element);
                let kind = self.builder.ins().iconst(types::I32, element_kind(&element));
                self.call_runtime_at("lang_rt_fill", &[ctx, kind, count, word], span)?
            }
            Builtin::Insert => {
                let Type::Map(key, value_type) = &first_type else {
                    self.bug("insert into a value that is not a map");
                    return None;
                };
                let map = self.expr_value(args[0]);
                let key_value = self.expr_to(args[1], key);
                let key_word = self.word_of(key_value, key);
                let value = self.expr_to(args[2], value_type);
                let word = self.word_of(value, value_type);
                self.call_runtime_at("lang_rt_map_set", &[ctx, map, key_word, word], span);
                return None;
            }
            Builtin::Has | Builtin::Remove => {
                let Type::Map(key, _) = &first_type else {
                    self.bug("a map operation on a value that is not a map");
                    return None;
                };
                let key_word = self.word_of(values[1], key);
                if builtin == Builtin::Has {
                    self.call_runtime("lang_rt_map_has", &[ctx, values[0], key_word])?
                } else {
                    self.call_runtime("lang_rt_map_remove", &[ctx, values[0], key_word]);
                    return None;
                }
            }
            Builtin::Sqrt => self.builder.ins().sqrt(values[0]),
            Builtin::Floor => self.builder.ins().floor(values[0]),
            Builtin::Ceil => self.builder.ins().ceil(values[0]),
            Builtin::Abs => match first_type {
                Type::Float => self.builder.ins().fabs(values[0]),
                _ => {
                    let negative = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, values[0], 0);
                    let negated = self.builder.ins().ineg(values[0]);
                    self.builder.ins().select(negative, negated, values[0])
                }
            },
            Builtin::Min | Builtin::Max => {
                let (a, b) = (values[0], values[1]);
                match first_type {
                    Type::Float => {
                        // Like Rust's f64::min/max and C's fmin/fmax: a NaN argument is ignored.
                        let condition = if builtin == Builtin::Min {
                            FloatCC::LessThan
                        } else {
                            FloatCC::GreaterThan
                        };
                        let first_wins = self.builder.ins().fcmp(condition, a, b);
                        // Equal values: `-0.0` is the smaller zero, as in Rust and C
                        // (`min(0.0, -0.0)` is `-0.0`). For zeros the bits' OR is the
                        // negative one and the AND the positive one; other equal values
                        // have equal bits.
                        let flags = MemFlagsData::new();
                        let a_bits = self.builder.ins().bitcast(types::I64, flags, a);
                        let b_bits = self.builder.ins().bitcast(types::I64, flags, b);
                        let combined = if builtin == Builtin::Min {
                            self.builder.ins().bor(a_bits, b_bits)
                        } else {
                            self.builder.ins().band(a_bits, b_bits)
                        };
                        let combined = self.builder.ins().bitcast(types::F64, flags, combined);
                        let equal = self.builder.ins().fcmp(FloatCC::Equal, a, b);
                        let second = self.builder.ins().select(equal, combined, b);
                        let picked = self.builder.ins().select(first_wins, a, second);
                        let b_is_nan = self.builder.ins().fcmp(FloatCC::Unordered, b, b);
                        self.builder.ins().select(b_is_nan, a, picked)
                    }
                    _ => {
                        let condition = if builtin == Builtin::Min {
                            IntCC::SignedLessThanOrEqual
                        } else {
                            IntCC::SignedGreaterThanOrEqual
                        };
                        let first_wins = self.builder.ins().icmp(condition, a, b);
                        self.builder.ins().select(first_wins, a, b)
                    }
                }
            }
            Builtin::Assert => {
                let failed = self.builder.ins().icmp_imm_s(IntCC::Equal, values[0], 0);
                let zero = self.iconst(0);
                self.error_if(failed, span, Some((RAISE_ASSERTION, values[1], zero)));
                return None;
            }
            Builtin::Panic => {
                let zero = self.iconst(0);
                self.raise_and_exit(span, Some((RAISE_PANIC, values[0], zero)));
                self.start_unreachable_block();
                return None;
            }
            Builtin::Sort => {
                let kind = match &first_type {
                    Type::Array(element) if **element == Type::Float => lang_abi::SORT_FLOAT,
                    Type::Array(element) if **element == Type::Str => lang_abi::SORT_STR,
                    _ => lang_abi::SORT_INT,
                };
                let kind = self.iconst(kind);
                self.call_runtime_at("lang_rt_sort", &[ctx, values[0], kind], span);
                return None;
            }
            Builtin::SortBy => {
                let Type::Array(element) = &first_type else {
                    self.bug("sort_by of a value that is not an array");
                    return None;
                };
                let element = (**element).clone();
                self.array_sort_by(values[0], &element, values[1], span);
                return None;
            }
            _ => {
                self.bug(format!("no translation for the built-in `{}`", builtin.name()));
                return None;
            }
        };
        Some(value)
    }
}
