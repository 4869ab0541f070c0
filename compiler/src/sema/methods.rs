//! Checking calls of the methods of arrays and maps (LANGUAGE.md section 10's table):
//! `xs.map(f)`, `xs.filter(f)`, ..., `m.get(k, d)`, `m.values()`. Method syntax finds them
//! last, after every function and built-in of the same name (`check_method_call`), so the
//! receiver is the first argument, already checked, and always an array or a map.
//! (`xs.sort_by(less)` is the built-in `SortBy`, shared with the `sort` module.)

use super::builtins::Builtin;
use super::calls::Argument;
use super::checker::Checker;
use super::scope::Context;
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::ExprKind;

/// How many arguments a method takes after its receiver.
fn arity(method: Builtin) -> usize {
    match method {
        Builtin::ArrayReverse | Builtin::ArrayClear | Builtin::ArrayCopy | Builtin::MapValues => 0,
        Builtin::ArrayReduce | Builtin::ArrayInsertAt | Builtin::ArraySlice | Builtin::MapGet => 2,
        _ => 1,
    }
}

/// The type of a callback taking `params` and answering `bool`.
fn predicate(params: Vec<Type>) -> Type {
    Type::Function(params, Some(Box::new(Type::Bool)))
}

/// What `find` answers: the element, or `nil`. For an array of optionals that is the element
/// type itself (a found `nil` reads like no find; decisions.md).
fn find_result(element: &Type) -> Type {
    match element {
        Type::Optional(_) => element.clone(),
        _ => Type::optional(element.clone()),
    }
}

/// Whether a type has an error inside, reported where it was found.
fn mentions_error(ty: &Type) -> bool {
    match ty {
        Type::Error => true,
        Type::Array(inner) | Type::Optional(inner) => mentions_error(inner),
        Type::Map(key, value) => mentions_error(key) || mentions_error(value),
        _ => false,
    }
}

/// Whether `==` can compare two values of `element` (functions have none).
fn has_equality(element: &Type) -> bool {
    match element {
        Type::Function(..) | Type::Void => false,
        Type::Optional(inner) => has_equality(inner),
        _ => true,
    }
}

impl Checker<'_> {
    /// A method of the table; `args[0]` is the receiver.
    pub(super) fn call_method_builtin(
        &mut self,
        context: &mut Context,
        method: Builtin,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let name = method.name();
        let receiver = self.argument_type(context, args[0], None);
        let rest = &args[1..];
        if rest.len() != arity(method) {
            self.wrong_count(context, name, arity(method), rest, span);
            return Type::Error;
        }
        let file = context.file;
        if let (Type::Map(key, value), Builtin::MapGet | Builtin::MapValues) = (&receiver, method) {
            return if method == Builtin::MapGet {
                self.check_argument(context, rest[0], key);
                self.check_argument(context, rest[1], value);
                (**value).clone()
            } else {
                Type::array((**value).clone())
            };
        }
        let Type::Array(element) = &receiver else {
            // Method lookup only finds these for arrays and maps.
            self.check_arguments_only(context, rest);
            return Type::Error;
        };
        let element = (**element).clone();
        match method {
            Builtin::ArrayMap => self.check_map_callback(context, &element, rest[0], expected),
            Builtin::ArrayFilter
            | Builtin::ArrayFind
            | Builtin::ArrayPosition
            | Builtin::ArrayAny
            | Builtin::ArrayAll => {
                self.check_argument(context, rest[0], &predicate(vec![element.clone()]));
                match method {
                    Builtin::ArrayFilter => receiver.clone(),
                    Builtin::ArrayFind => find_result(&element),
                    Builtin::ArrayPosition => Type::optional(Type::Int),
                    _ => Type::Bool,
                }
            }
            Builtin::ArrayReduce => {
                let init = self.argument_type(context, rest[0], expected);
                // A value with a type of its own (`0`, `""`) is the accumulator's type, as
                // in Rust; the expected type only completes one that needs it (`[]`, `nil`).
                let init_is_complete = !contains_nil(&init) && !mentions_error(&init);
                let accumulator = match expected {
                    _ if init_is_complete => init,
                    Some(expected) if init.is_assignable_to(expected) => expected.clone(),
                    Some(expected) if init != Type::Error => {
                        self.mismatch(file, rest[0].span(), expected, &init);
                        expected.clone()
                    }
                    _ => init,
                };
                if contains_nil(&accumulator) {
                    self.cannot_infer_empty(
                        file,
                        rest[0].span(),
                        "initial value",
                        "let total: [int] = xs.reduce([], add_to)",
                    );
                    self.check_arguments_only(context, &rest[1..]);
                    return Type::Error;
                }
                if mentions_error(&accumulator) {
                    // Reported already (an empty `[]` with no type from context).
                    self.check_arguments_only(context, &rest[1..]);
                    return Type::Error;
                }
                let step = Type::Function(
                    vec![accumulator.clone(), element.clone()],
                    Some(Box::new(accumulator.clone())),
                );
                self.check_argument(context, rest[1], &step);
                accumulator
            }
            Builtin::ArrayContains | Builtin::ArrayIndexOf => {
                // Section 9: an enum whose payload holds a function value has no `==` either.
                if !has_equality(&element) || self.items.holds_function(&element) {
                    let shown = self.display(&receiver);
                    self.builtin_rejects_argument(
                        file,
                        args[0].span(),
                        name,
                        &shown,
                        "an array whose elements `==` can compare (functions, and enums holding them, have no `==`)",
                    );
                }
                // Against the element type even so: `.Variant` needs it to be resolved, and
                // is not wrong.
                self.check_argument(context, rest[0], &element);
                if method == Builtin::ArrayContains {
                    Type::Bool
                } else {
                    Type::optional(Type::Int)
                }
            }
            Builtin::ArrayInsertAt => {
                self.check_argument(context, rest[0], &Type::Int);
                self.check_argument(context, rest[1], &element);
                Type::Void
            }
            Builtin::ArrayRemoveAt => {
                self.check_argument(context, rest[0], &Type::Int);
                element
            }
            Builtin::ArraySlice => {
                self.check_argument(context, rest[0], &Type::Int);
                self.check_argument(context, rest[1], &Type::Int);
                receiver.clone()
            }
            Builtin::ArrayExtend => {
                self.check_argument(context, rest[0], &receiver);
                Type::Void
            }
            Builtin::ArrayReverse | Builtin::ArrayClear => Type::Void,
            Builtin::ArrayCopy => receiver.clone(),
            _ => {
                self.check_arguments_only(context, rest);
                Type::Error
            }
        }
    }

    /// `xs.map(f)`: `f` takes an element and returns any value; the result is an array of
    /// those. An expected `[U]` (a typed `let`, a parameter) is the expected type of `f`'s
    /// result, so that a function expression without `-> U` can be checked against it.
    /// Without one, `f` is checked with no expected type (a function expression written
    /// there without parameter types would need `fn(T) -> ?` as its expected type, with the
    /// result left to infer: the place to add it is here).
    fn check_map_callback(
        &mut self,
        context: &mut Context,
        element: &Type,
        callback: Argument<'_>,
        expected: Option<&Type>,
    ) -> Type {
        let expected_callback = match expected {
            Some(Type::Array(result)) => Some(Type::Function(vec![element.clone()], Some(result.clone()))),
            _ => None,
        };
        if expected_callback.is_none()
            && let Argument::Expr(expr) = callback
            && matches!(expr.kind, ExprKind::Function(_))
        {
            // The parameter is the element; the result is the body's (LANGUAGE.md section 10).
            self.closure_parameters_hint = Some(vec![element.clone()]);
        }
        let found = self.argument_type(context, callback, expected_callback.as_ref());
        match &found {
            Type::Function(params, Some(result)) if params.len() == 1 && params[0] == *element => {
                Type::array((**result).clone())
            }
            Type::Error => Type::Error,
            _ => {
                let shown = self.display(&found);
                let element_text = self.display(element);
                self.builtin_rejects_argument(
                    context.file,
                    callback.span(),
                    "map",
                    &shown,
                    &format!("a function `fn({element_text}) -> U` returning a value"),
                );
                Type::Error
            }
        }
    }
}

/// The type of the first parameter of `pub fn name(` in a standard module's source, as
/// written (`str`, `[int]`), or `None` when the module has no such function.
fn stdlib_first_parameter(source: &str, name: &str) -> Option<String> {
    let start = source.find(&format!("pub fn {name}("))? + "pub fn (".len() + name.len();
    let rest = &source[start..];
    let parameter = &rest[..rest.find([',', ')'])?];
    Some(parameter.split_once(':').map_or("", |(_, ty)| ty).trim().to_string())
}

impl Checker<'_> {
    /// The help of the error for `x.name(...)` that found nothing to call (LANGUAGE.md section
    /// 11): an imported module's function of that name for another type says which type it
    /// takes; a standard module that has one for this receiver says to import it; a method of
    /// arrays or maps called on something else says so.
    pub(super) fn method_hint(&mut self, context: &Context, receiver: &Type, name: &str) -> Option<String> {
        let shown = self.display(receiver);
        let mut imported_names = Vec::new();
        for (import_name, target) in &self.program.module(context.module).imports {
            let Some(target) = target else { continue };
            imported_names.push(self.program.module(*target).name.clone());
            if let Some(super::scope::ModuleItem::Function(id)) = self.scope_item(*target, name) {
                let info = self.items.function(id);
                if info.is_pub && info.module == *target {
                    let first = info.params.first().cloned();
                    return Some(match first {
                        Some(first) => format!(
                            "`{}.{name}` takes a `{}` as its first parameter, not a `{shown}`",
                            import_name.text,
                            self.display(&first)
                        ),
                        None => format!(
                            "`{}.{name}` takes no arguments; call it as `{}.{name}()`",
                            import_name.text, import_name.text
                        ),
                    });
                }
            }
        }
        for (module, source) in lang_stdlib::MODULES {
            if imported_names.iter().any(|imported| imported == module) {
                continue;
            }
            // The native exports are `sort.sort` (arrays of `int`, `float` or `str`) and
            // `sort.sort_by` (any array, but also a method).
            let native = match (Builtin::module_export(module, name), receiver) {
                (Some(Builtin::Sort), Type::Array(element)) => {
                    matches!(**element, Type::Int | Type::Float | Type::Str)
                }
                (Some(_), Type::Array(_)) => true,
                _ => false,
            };
            let fits = stdlib_first_parameter(source, name).is_some_and(|first| first == shown);
            if native || fits {
                return Some(format!(
                    "the standard module `{module}` has `{name}` for a `{shown}`: add `import {module}`"
                ));
            }
        }
        let array_method = Builtin::method(name, false).is_some();
        let map_method = Builtin::method(name, true).is_some();
        match (array_method, map_method) {
            (true, _) => Some(format!("`{name}` is a method of arrays (LANGUAGE.md section 10)")),
            (_, true) => Some(format!("`{name}` is a method of maps (LANGUAGE.md section 10)")),
            _ => None,
        }
    }
}
