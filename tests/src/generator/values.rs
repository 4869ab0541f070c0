//! Values in generated programs: the smaller additions of LANGUAGE.md section 11 (`??`,
//! character literals, raw strings, format specifications) and the counting idiom that
//! compiles to one map probe, each printed or left in the program's map so that every mode's
//! result shows in the output the modes are compared on.

use super::{Generator, Scope};

impl Generator {
    /// The counting idiom that compiles to one map probe (`compiler/src/codegen/map_update.rs`):
    /// `if has(m, k) { m[k] += v } else { insert(m, k, w) }` in its spellings, on a local that
    /// aliases the program's map, so the counts show in its final listing.
    pub(super) fn counting_idiom(&mut self, scope: &mut Scope, out: &mut String, pad: &str) {
        let table = scope.fresh();
        let key = scope.fresh();
        let key_value = self.str_expr(scope, 1);
        let step = self.random.below(9) + 1;
        let first = self.random.below(99);
        out.push_str(&format!("{pad}let {table} = names\n{pad}let {key} = {key_value}\n"));
        let condition = if self.random.chance(50) {
            format!("has({table}, {key})")
        } else {
            format!("{table}.has({key})")
        };
        let update = match self.random.below(3) {
            0 => format!("{table}[{key}] += {step}"),
            1 => format!("{table}[{key}] = {table}[{key}] + {step}"),
            _ => format!("{table}[{key}] -= {step}"),
        };
        let insertion = if self.random.chance(50) {
            format!("insert({table}, {key}, {first})")
        } else {
            format!("{table}[{key}] = {first}")
        };
        out.push_str(&format!(
            "{pad}if {condition} {{\n{pad}    {update}\n{pad}}} else {{\n{pad}    {insertion}\n{pad}}}\n"
        ));
    }

    /// The smaller additions of LANGUAGE.md section 11 around values: `a ?? b` (with a right
    /// side that must not run when the left is not nil), character literals, raw strings, and
    /// format specifications on every type that interpolates.
    pub(super) fn section11_print(&mut self, scope: &mut Scope, out: &mut String, pad: &str) {
        let name = scope.fresh();
        let value = self.int_expr(scope, 2);
        let condition = self.bool_expr(scope, 1);
        out.push_str(&format!(
            "{pad}var {name}: ?int = nil\n{pad}if {condition} {{\n{pad}    {name} = {value}\n{pad}}}\n"
        ));
        let fallback = if self.random.chance(30) {
            // A call on the right, which runs only when the left is nil.
            "depth(3, counter)".to_string()
        } else {
            self.int_expr(scope, 1)
        };
        let int_spec = self.format_spec(false);
        let float_spec = self.format_spec(true);
        let text_spec = self.format_spec(false);
        let float = self.float_expr(scope, 2);
        let text = self.str_expr(scope, 1);
        let character = ["'a'", "'\\n'", "'é'", "'\\''", "'{'", "':'"][self.random.below(6) as usize];
        let raw = ["r\"C:\\p {x}\"", "r#\"say \"hi\"\"#", "r\"\""][self.random.below(3) as usize];
        out.push_str(&format!(
            "{pad}print(\"[{{{name} ?? {fallback}:{int_spec}}}] [{{{float}:{float_spec}}}] [{{{text}:{text_spec}}}] [{{{character} + 1:{int_spec}}}] [{{{raw}}}] [{{{name} != nil:{text_spec}}}]\")\n"
        ));
        scope.ints.push(format!("({name} ?? {character})"));
    }

    /// A format specification `[[fill]align][0][width][.precision]`; a precision only when
    /// the value is a `float`.
    fn format_spec(&mut self, float: bool) -> String {
        let mut spec = String::new();
        if self.random.chance(40) {
            if self.random.chance(50) {
                spec.push(['*', '-', 'é', '0', ' '][self.random.below(5) as usize]);
            }
            spec.push(['<', '>', '^'][self.random.below(3) as usize]);
        }
        if self.random.chance(25) {
            spec.push('0');
        }
        if self.random.chance(80) {
            spec.push_str(&self.random.below(14).to_string());
        }
        if float && self.random.chance(60) {
            spec.push_str(&format!(".{}", self.random.below(7)));
        }
        spec
    }
}
