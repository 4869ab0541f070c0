//! The diagnostics of function expressions (LANGUAGE.md section 10).

use super::super::checker::Checker;
use super::super::types::Type;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast::{FunctionExpr, Name};

impl Checker<'_> {
    pub(in crate::sema) fn closure_parameter_type_needed(&mut self, file: FileId, param: &Name) {
        self.error(
            Code::ClosureParameterType,
            file,
            param.span,
            format!("the type of parameter `{}` is needed here", param.text),
        )
        .with_label("type needed")
        .with_help(format!(
            "write it (`fn({}: int) => ...`), or use the function expression where a function type is expected",
            param.text
        ));
    }

    pub(in crate::sema) fn closure_parameter_count(
        &mut self,
        file: FileId,
        function: &FunctionExpr,
        expected: &Type,
        expected_count: usize,
    ) {
        let expected = self.display(expected);
        let count = function.params.len();
        let noun = |count: usize| if count == 1 { "parameter" } else { "parameters" };
        self.error(
            Code::ClosureTypeMismatch,
            file,
            function.keyword,
            format!(
                "this function expression takes {count} {}, but `{expected}` takes {expected_count}",
                noun(count)
            ),
        )
        .with_label(format!("expected `{expected}`"));
    }

    pub(in crate::sema) fn closure_type_mismatch(
        &mut self,
        file: FileId,
        function: &FunctionExpr,
        expected: &Type,
        found: &Type,
    ) {
        let (expected, found) = (self.display(expected), self.display(found));
        self.error(
            Code::ClosureTypeMismatch,
            file,
            function.keyword,
            format!("this function expression is `{found}`, but `{expected}` is expected"),
        )
        .with_label(format!("expected `{expected}`"))
        .with_help("leave out the parameter and result types to take them from the expected type");
    }

    pub(in crate::sema) fn closure_body_not_call(&mut self, file: FileId, span: Span) {
        self.error(
            Code::ClosureBodyNotCall,
            file,
            span,
            "the body of this function expression is not a call, and no result is expected",
        )
        .with_label("its value would be thrown away")
        .with_help(
            "a `=>` body where no result is expected must be a call, as a statement must; use a block `{ ... }`",
        );
    }

    pub(in crate::sema) fn closure_missing_return(
        &mut self,
        file: FileId,
        function: &FunctionExpr,
        body: Span,
        result: &Type,
    ) {
        let end = Span {
            start: body.end.saturating_sub(1),
            end: body.end,
        };
        let result = self.display(result);
        self.error(
            Code::MissingReturn,
            file,
            end,
            format!("this function expression may end without returning a value of type `{result}`"),
        )
        .with_label("the end of the body is reachable")
        .with_secondary(file, function.keyword, "the function expression")
        .with_help("add a `return` at the end, or use the `=>` form");
    }
}
