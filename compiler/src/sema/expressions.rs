//! Checking expressions: literals, names, indexing and unwrapping, with the type expected
//! from context flowing down (`nil`, empty arrays and maps take it). Operators, fields and
//! struct literals, and calls have files of their own.

use super::builtins::Builtin;
use super::checker::Checker;
use super::results::{NameRef, NodeKey};
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind};

impl Checker<'_> {
    /// Checks `expr` where a value is needed: a call to a function without a result is an
    /// error here.
    pub(super) fn value(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        let ty = self.check_expr(context, expr, expected);
        if ty == Type::Void {
            self.no_value(context.file, expr.span);
            return Type::Error;
        }
        ty
    }

    /// Checks `expr` against an expected type, reporting a mismatch.
    pub(super) fn check_against(&mut self, context: &mut Context, expr: &Expr, expected: &Type) {
        let ty = self.value(context, expr, Some(expected));
        if !ty.is_assignable_to(expected) {
            self.mismatch(context.file, expr.span, expected, &ty);
        }
    }

    pub(super) fn check_expr(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        let ty = self.check_expr_kind(context, expr, expected);
        self.results
            .expr_types
            .insert(NodeKey::new(context.file, expr.span), &ty);
        ty
    }

    pub(super) fn check_expr_kind(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        if let Some(ty) = self.check_variant_value(context, expr, expected) {
            return ty;
        }
        match &expr.kind {
            ExprKind::Int(value) => {
                if *value == i64::MIN {
                    self.integer_too_large(context.file, expr.span);
                }
                Type::Int
            }
            ExprKind::Float(_) => Type::Float,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Str(_) => Type::Str,
            ExprKind::Interpolated(parts) => {
                self.check_interpolation(context, parts);
                Type::Str
            }
            ExprKind::Nil => match expected {
                Some(ty @ Type::Optional(_)) => ty.clone(),
                _ => Type::Nil,
            },
            ExprKind::Name(name) => self.check_name(context, name, expr.span),
            ExprKind::Array(elements) => {
                let expected_element = match expected {
                    Some(Type::Array(element)) => Some((**element).clone()),
                    Some(Type::Optional(inner)) => match &**inner {
                        Type::Array(element) => Some((**element).clone()),
                        _ => None,
                    },
                    _ => None,
                };
                match expected_element {
                    Some(element) => {
                        for item in elements {
                            self.check_against(context, item, &element);
                        }
                        Type::array(element)
                    }
                    None => {
                        let Some((first, rest)) = elements.split_first() else {
                            self.cannot_infer_empty(context.file, expr.span, "array", "let xs: [int] = []");
                            return Type::Error;
                        };
                        let element = self.value(context, first, None);
                        if contains_nil(&element) {
                            self.cannot_infer_empty(context.file, first.span, "array", "let xs: [?int] = [nil]");
                            return Type::Error;
                        }
                        for item in rest {
                            self.check_against(context, item, &element);
                        }
                        Type::array(element)
                    }
                }
            }
            ExprKind::Map(entries) => {
                let expected_entry = match expected {
                    Some(Type::Map(key, value)) => Some(((**key).clone(), (**value).clone())),
                    Some(Type::Optional(inner)) => match &**inner {
                        Type::Map(key, value) => Some(((**key).clone(), (**value).clone())),
                        _ => None,
                    },
                    _ => None,
                };
                let (key, value) = match expected_entry {
                    Some(entry) => entry,
                    None => {
                        let Some((first_key, first_value)) = entries.first() else {
                            self.cannot_infer_empty(context.file, expr.span, "map", "let m: {str: int} = {}");
                            return Type::Error;
                        };
                        let key = self.value(context, first_key, None);
                        let value = self.value(context, first_value, None);
                        if contains_nil(&value) {
                            self.cannot_infer_empty(context.file, first_value.span, "map", "let m: {str: ?int} = {}");
                            return Type::Error;
                        }
                        if !matches!(key, Type::Int | Type::Str | Type::Error) {
                            self.invalid_map_key(context.file, first_key.span, &key);
                        }
                        for (entry_key, entry_value) in &entries[1..] {
                            self.check_against(context, entry_key, &key);
                            self.check_against(context, entry_value, &value);
                        }
                        return Type::Map(Box::new(key), Box::new(value));
                    }
                };
                for (entry_key, entry_value) in entries {
                    self.check_against(context, entry_key, &key);
                    self.check_against(context, entry_value, &value);
                }
                Type::Map(Box::new(key), Box::new(value))
            }
            ExprKind::StructLiteral(literal) => self.check_struct_literal(
                context,
                literal.module.as_ref(),
                &literal.name,
                &literal.fields,
                expr.span,
            ),
            ExprKind::Unary { op, operand } => self.check_unary(context, *op, operand, expr.span),
            ExprKind::Binary {
                op: BinaryOp::Coalesce,
                lhs,
                rhs,
            } => self.check_coalesce(context, lhs, rhs),
            ExprKind::Binary { op, lhs, rhs } => {
                if op.is_comparison()
                    && let ExprKind::Binary { op: inner, .. } = &lhs.kind
                    && inner.is_comparison()
                {
                    self.chained_comparison(context.file, expr.span);
                    self.value(context, lhs, None);
                    self.value(context, rhs, None);
                    return Type::Bool;
                }
                if Self::is_implicit_variant(lhs) && !Self::is_implicit_variant(rhs) {
                    // `.Empty == s`: only the other side can give the enum (section 9).
                    let rhs_type = self.value(context, rhs, None);
                    let lhs_type = self.value(context, lhs, Some(&rhs_type));
                    return self.binary_result(context, *op, &lhs_type, &rhs_type, expr.span, lhs.span, rhs.span);
                }
                let lhs_type = self.value(context, lhs, None);
                let rhs_expected = if lhs_type == Type::Nil { None } else { Some(&lhs_type) };
                let rhs_type = self.value(context, rhs, rhs_expected);
                self.binary_result(context, *op, &lhs_type, &rhs_type, expr.span, lhs.span, rhs.span)
            }
            ExprKind::Call { callee, args } => self.check_call(context, callee, args, expr.span, expected),
            ExprKind::Field { object, field } => self.check_field(context, object, field),
            ExprKind::Index { object, index } => {
                let object_type = self.value(context, object, None);
                match object_type {
                    Type::Array(element) => {
                        self.check_against(context, index, &Type::Int);
                        *element
                    }
                    Type::Map(key, value) => {
                        self.check_against(context, index, &key);
                        *value
                    }
                    Type::Error => {
                        self.value(context, index, None);
                        Type::Error
                    }
                    other => {
                        self.value(context, index, None);
                        self.not_indexable(context.file, object.span, &other);
                        Type::Error
                    }
                }
            }
            ExprKind::Unwrap(inner) => {
                let expected_inner = expected.map(|ty| Type::optional(ty.clone()));
                let ty = self.value(context, inner, expected_inner.as_ref());
                match ty {
                    Type::Optional(inner) => *inner,
                    Type::Error => Type::Error,
                    other => {
                        self.not_unwrappable(context.file, expr.span, &other);
                        Type::Error
                    }
                }
            }
            ExprKind::Paren(inner) => self.check_expr(context, inner, expected),
            ExprKind::Error => Type::Error,
            // Checked by `check_variant_value` above.
            ExprKind::ImplicitMember(_) => Type::Error,
            ExprKind::Match(match_expr) => {
                let head = Span {
                    start: expr.span.start,
                    end: match_expr.scrutinee.span.end,
                };
                self.check_match_value(context, match_expr, head, expected)
            }
            ExprKind::If(if_expr) => self.check_if_value(context, if_expr, expected),
            ExprKind::Function(function) => self.check_function_expr(context, expr, function, expected),
        }
    }

    pub(super) fn check_name(&mut self, context: &mut Context, name: &ast::Name, span: Span) -> Type {
        if let Some(local) = context.lookup(&name.text) {
            let (ty, definition) = (local.ty.clone(), local.span);
            self.record_local_use(context.file, name.span, definition);
            self.note_local_use(context, &name.text, false);
            return ty;
        }
        match self.scope_item(context.module, &name.text) {
            Some(ModuleItem::Function(id)) => {
                self.record_name(context.file, name.span, NameRef::Function(id));
                return self.items.function(id).ty();
            }
            Some(ModuleItem::Variable(id)) => {
                self.record_name(context.file, name.span, NameRef::Variable(id));
                return self.variable_type(id);
            }
            Some(ModuleItem::Struct(_)) => {
                self.struct_not_a_value(context.file, span, &name.text, true);
                return Type::Error;
            }
            Some(ModuleItem::Import(_)) => {
                self.module_not_a_value(context.file, span, &name.text);
                return Type::Error;
            }
            Some(ModuleItem::Enum(_)) => {
                self.enum_not_a_value(context.file, span, &name.text);
                return Type::Error;
            }
            None => {}
        }
        if let Some(builtin) = Builtin::lookup(&name.text, context.is_stdlib) {
            self.record_name(context.file, name.span, NameRef::Builtin(builtin));
            return match builtin.signature() {
                Some((params, result)) => Type::Function(params, result.map(Box::new)),
                None => {
                    self.builtin_not_a_value(context.file, span, &name.text);
                    Type::Error
                }
            };
        }
        // `util.g()` in `util.ln` after `import util`: E0211 said the import is refused.
        let imports_itself = self
            .program
            .module(context.module)
            .imports
            .iter()
            .any(|(import, target)| import.text == name.text && *target == Some(context.module));
        if !imports_itself {
            self.unknown_name(context, name);
        }
        Type::Error
    }
}
