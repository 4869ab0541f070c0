//! Function expressions (LANGUAGE.md section 10): closure values, their bodies, and the cells
//! of captured variables.
//!
//! A closure is a function value like any other: the address of an object holding its code at
//! `FUNCTION_CODE_OFFSET`. One that captures nothing is a static immortal object, like a
//! named function's (no allocation); one that captures is a heap object
//! `[header][code][count][capture...]`, made where the expression is evaluated. Its body is a
//! function with one parameter more than its type says, the value itself (see
//! `call_function_value`), from which it loads its captures on entry. A capture is the
//! variable's value when the variable is never assigned after its declaration (so copying is
//! sharing), otherwise the address of the variable's cell, a one-word heap object that the
//! enclosing function and every closure read and write: the checker decides which locals need
//! cells (`sema::closures`), and only those pay. A `for` variable is never assigned, and a
//! body's `let`/`var` is declared anew at each iteration, so closures made in a loop each see
//! their own.

use cranelift_codegen::ir::{AbiParam, InstBuilder, Value, types};
use cranelift_module::{DataId, FuncId, Linkage};

use crate::codegen::function::{Translator, translate_function};
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::*;
use crate::codegen::target::ClosureCode;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::results::{ClosureInfo, NodeKey};
use crate::sema::types::Type;
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, FunctionBody};

/// A function expression whose body is still to be translated.
pub(crate) struct PendingClosure {
    function: FuncId,
    file: FileId,
    expression: ast::FunctionExpr,
    info: ClosureInfo,
    display_name: String,
    /// The function it is written in, as traces name it.
    enclosing_function: String,
    may_run_during_initialization: bool,
}

/// A function expression's code, declared when first met.
pub(crate) struct ClosureFunction {
    pub(crate) code: FuncId,
    /// The static function object of one that captures nothing (outside hot reload).
    pub(crate) static_object: Option<DataId>,
    /// How messages name it: `closure in make (line 7)`.
    pub(crate) description: String,
}

/// Translates the body of a function expression as a function of its own.
pub(crate) fn translate_closure(state: &mut ProgramState<'_>, pending: PendingClosure) -> Result<(), CodegenError> {
    let PendingClosure {
        function,
        file,
        expression,
        info,
        display_name,
        enclosing_function,
        may_run_during_initialization,
    } = pending;
    translate_function(state, function, display_name, file, |translator| {
        translator.may_run_during_initialization = may_run_during_initialization;
        translator.enclosing_function = Some(enclosing_function);
        translator.closure_body(&expression, &info);
    })
}

/// Hot reload: the function expressions compiled in this module version, as functions named
/// by their identities, so that the runtime points each identity's slot at the new code (and
/// at the error stub once an identity is gone, as for a removed function).
pub(crate) fn closure_records(state: &ProgramState<'_>) -> Vec<lang_abi::FunctionRecord<FuncId>> {
    let mut records: Vec<lang_abi::FunctionRecord<FuncId>> = state
        .closure_functions
        .iter()
        .filter_map(|(key, function)| {
            let info = state.checked.results.closure_at(*key)?;
            let (name, signature) = state.checked.closure_identity(info);
            Some(lang_abi::FunctionRecord {
                name,
                signature,
                address: function.code,
            })
        })
        .collect();
    records.sort_by(|a, b| (&a.name, &a.signature).cmp(&(&b.name, &b.signature)));
    records
}

impl Translator<'_, '_, '_> {
    /// The value of a function expression.
    pub(crate) fn closure_value(&mut self, expr: &Expr, function: &ast::FunctionExpr) -> Value {
        let Some(info) = self.state.checked.results.closure(self.file, expr.span).cloned() else {
            self.bug("no closure recorded for a function expression");
            return self.iconst(0);
        };
        let (code, static_object) = match self.closure_function(expr, function, &info) {
            Ok(found) => found,
            Err(error) => {
                self.bug(error.0);
                return self.iconst(0);
            }
        };
        let code_address = match self.state.target.closure_code(self.state.checked, &info) {
            ClosureCode::Direct => {
                if let Some(object) = static_object {
                    return self.data_address(object);
                }
                let code_reference = self.func_ref(code);
                self.builder.ins().func_addr(types::I64, code_reference)
            }
            // Hot reload: the closure holds its identity's slot, so that a call made after a
            // reload runs the newest body (or the error of a changed one). Without captures
            // the slot is the value, as for a named function.
            ClosureCode::Slot(slot) => {
                let slot = self.hot_reference(slot as i64);
                if info.captures.is_empty() {
                    return slot;
                }
                slot
            }
        };
        let count = self.iconst(info.captures.len() as i64);
        let ctx = self.ctx;
        let object = self
            .call_runtime_at("lang_rt_alloc_closure", &[ctx, code_address, count], function.keyword)
            .unwrap_or(code_address);
        for (index, capture) in info.captures.iter().enumerate() {
            let Some((variable, ty)) = self.lookup_local(&capture.name) else {
                self.bug(format!("captured `{}` is not in scope", capture.name));
                continue;
            };
            // A cell's address (the variable holds it), or the value.
            let word = if capture.in_cell {
                self.builder.use_var(variable)
            } else {
                let value = self.builder.use_var(variable);
                self.word_of(value, &ty)
            };
            let offset = CLOSURE_CAPTURES_OFFSET + 8 * index as i32;
            self.builder.ins().store(trusted(), word, object, offset);
        }
        object
    }

    /// The code of a function expression (declared now, translated later), and its static
    /// object if it captures nothing.
    fn closure_function(
        &mut self,
        expr: &Expr,
        function: &ast::FunctionExpr,
        info: &ClosureInfo,
    ) -> Result<(FuncId, Option<DataId>), CodegenError> {
        let key = NodeKey::new(self.file, expr.span);
        if let Some(found) = self.state.closure_functions.get(&key) {
            return Ok((found.code, found.static_object));
        }
        let mut signature = self.state.script_signature(&info.params, info.result.as_ref());
        signature.params.push(AbiParam::new(types::I64));
        let location = self.state.location(self.file, function.keyword.start);
        let line = location.split(':').rev().nth(1).unwrap_or("?").to_string();
        let name = self.state.unique_name(format!("{}.<closure>", self.display_name));
        let code = self.state.module.declare_function(&name, Linkage::Local, &signature)?;
        let enclosing_function = self
            .enclosing_function
            .clone()
            .unwrap_or_else(|| self.display_name.clone());
        let description = format!("closure in {enclosing_function} (line {line})");
        self.state.pending_closures.push(PendingClosure {
            function: code,
            file: self.file,
            expression: function.clone(),
            info: info.clone(),
            display_name: description.clone(),
            enclosing_function,
            may_run_during_initialization: self.may_run_during_initialization,
        });
        let direct = matches!(
            self.state.target.closure_code(self.state.checked, info),
            ClosureCode::Direct
        );
        let static_object = if info.captures.is_empty() && direct {
            Some(self.define_function_slot(code)?)
        } else {
            None
        };
        self.state.closure_functions.insert(
            key,
            ClosureFunction {
                code,
                static_object,
                description,
            },
        );
        Ok((code, static_object))
    }

    /// The body of a function expression: captures from the closure object (the hidden last
    /// parameter), then the parameters, then the body.
    pub(crate) fn closure_body(&mut self, function: &ast::FunctionExpr, info: &ClosureInfo) {
        self.result = info.result.clone();
        self.stack_check(function.keyword);
        // A safe point at entry as in every function (hot reload); a swap here goes on with
        // this body, as the closure was called before it: the next call runs the new one.
        self.poll(function.keyword, None);
        let mut params = self.params.clone();
        let Some(closure) = params.pop() else {
            self.bug("a closure body without its closure parameter");
            return;
        };
        for (index, capture) in info.captures.iter().enumerate() {
            let offset = CLOSURE_CAPTURES_OFFSET + 8 * index as i32;
            // The captures never change once the closure is made.
            let word = self
                .builder
                .ins()
                .load(types::I64, trusted().with_readonly(), closure, offset);
            if capture.in_cell {
                self.declare_cell_local(&capture.name, capture.ty.clone(), word);
            } else {
                let value = self.value_of_word(word, &capture.ty);
                self.declare_local(&capture.name, capture.ty.clone(), value);
            }
        }
        for ((param, ty), value) in function.params.iter().zip(&info.params).zip(params) {
            self.declare_binding(&param.name, ty.clone(), value);
        }
        match &function.body {
            FunctionBody::Block(block) => self.block(block),
            FunctionBody::Expr(body) => match info.result.clone() {
                Some(result) => {
                    let value = self.expr_to(body, &result);
                    if !self.is_terminated() {
                        self.return_status(0, Some(value));
                    }
                }
                None => {
                    self.expr(body);
                }
            },
        }
    }

    /// Declares a parameter or `let`/`var` named `name`: in a cell when a closure captures it
    /// and it is assigned (see `sema::closures`), otherwise as a plain Cranelift variable.
    pub(crate) fn declare_binding(&mut self, name: &ast::Name, ty: Type, value: Value) {
        if !self.state.checked.results.is_cell(self.file, name.span) {
            self.declare_local(&name.text, ty, value);
            return;
        }
        let ctx = self.ctx;
        let cell = self
            .call_runtime_at("lang_rt_alloc_cell", &[ctx], name.span)
            .unwrap_or(ctx);
        let word = self.word_of(value, &ty);
        let cells = self.flags(Region::Cells);
        self.builder.ins().store(cells, word, cell, CELL_VALUE_OFFSET);
        self.declare_cell_local(&name.text, ty, cell);
    }

    /// Declares a local of type `ty` living in the cell at `cell`: its variable holds the
    /// cell's address (a word, whatever `ty` is).
    fn declare_cell_local(&mut self, name: &str, ty: Type, cell: Value) {
        let variable = self.builder.declare_var(types::I64);
        self.builder.def_var(variable, cell);
        self.mark_cell_variable(variable);
        self.scopes
            .last_mut()
            .expect("a scope is open")
            .push((name.to_string(), variable, ty));
    }
}
