//! A generator of random well-typed `lang` programs, for differential testing of the three
//! modes (and the library host): arithmetic with wrapping and division, control flow,
//! arrays, maps, structs, calls, bounded recursion, strings and floats. Every program is
//! well typed by construction; it may stop with a runtime error (a division by zero, an index
//! out of range, a failed unwrap), which every mode must report identically.
//!
//! The same seed always gives the same program.

mod loops;
mod values;

/// SplitMix64: small, fast, and the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn int(&mut self) -> i64 {
        match self.below(10) {
            0 => i64::MAX - self.below(3) as i64,
            1 => i64::MIN + self.below(3) as i64,
            2 => -(self.below(1000) as i64),
            _ => self.below(100) as i64,
        }
    }
}

/// A function being generated: its locals by type, and how deep the expressions may go.
struct Scope {
    ints: Vec<String>,
    floats: Vec<String>,
    strs: Vec<String>,
    /// Mutable int locals (loop counters are not among them).
    mutable_ints: Vec<String>,
    next_local: usize,
}

impl Scope {
    fn new(params: &[&str]) -> Scope {
        Scope {
            ints: params.iter().map(|name| name.to_string()).collect(),
            floats: Vec::new(),
            strs: Vec::new(),
            mutable_ints: Vec::new(),
            next_local: 0,
        }
    }

    fn fresh(&mut self) -> String {
        self.next_local += 1;
        format!("v{}", self.next_local)
    }
}

struct Generator {
    random: Random,
    /// Functions generated so far: name and arity (all take and return `int`).
    functions: Vec<(String, usize)>,
    out: String,
    /// Names bound by generated patterns so far (each pattern binds a new one).
    binding: usize,
}

/// The program for `seed`.
pub fn program(seed: u64) -> String {
    let mut generator = Generator {
        random: Random(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x5851_f42d_4c95_7f2d),
        functions: Vec::new(),
        out: String::new(),
        binding: 0,
    };
    generator.generate();
    generator.out
}

impl Generator {
    fn generate(&mut self) {
        let out = &mut self.out;
        out.push_str("// A generated program (tests/src/generator.rs).\n\n");
        out.push_str("struct Point {\n    x: int = 0,\n    y: int = 0,\n    label: str = \"p\",\n    weight: float = 1.5,\n}\n\n");
        out.push_str("var counter = 0\nvar history: [int] = []\nvar names: {str: int} = {}\nlet LIMIT = 7\n\n");
        // Section 9: an enum with payloads, a default and recursion, and a function that
        // matches it with nested, guarded and alternative patterns.
        out.push_str(
            "enum Shape {\n    Dot,\n    Circle(r: int),\n    Rect(w: int, h: int = 3),\n    Named(label: str, inner: Shape),\n}\n\n",
        );
        out.push_str(
            "fn weight(s: Shape) -> int {\n    match s {\n        .Dot => {\n            return 1\n        }\n        .Circle(0) | .Circle(1) => {\n            return 2\n        }\n        .Circle(r) if r < 0 => {\n            return -r\n        }\n        .Circle(r) => {\n            return r % 1000\n        }\n        .Rect(w, 3) => {\n            return w % 100 + 3\n        }\n        .Rect(w, h) => {\n            return (w ^ h) % 100\n        }\n        .Named(\"a\", .Dot) => {\n            return 7\n        }\n        .Named(label, inner) => {\n            return len(label) + weight(inner)\n        }\n    }\n}\n\n",
        );
        // Section 10: named functions as the callbacks of the methods of arrays.
        out.push_str(
            "fn keep_even(x: int) -> bool {\n    return x % 2 == 0\n}\n\nfn positive(x: int) -> bool {\n    return x > 0\n}\n\nfn step(x: int) -> int {\n    return x * 3 - 1\n}\n\nfn add_up(total: int, x: int) -> int {\n    return total + x\n}\n\nfn by_last_digit(a: int, b: int) -> bool {\n    return a % 10 < b % 10\n}\n\n",
        );
        // Section 10: a closure that escapes with a mutated capture.
        out.push_str(
            "fn make_acc(start: int) -> fn(int) -> int {\n    var total = start\n    return fn(x) -> int {\n        total += x\n        return total\n    }\n}\n\n",
        );
        out.push_str(
            "fn depth(n: int, k: int) -> int {\n    if n <= 0 {\n        return k\n    }\n    return depth(n - 1, k + n % 3) + 1\n}\n\n",
        );
        self.functions.push(("depth".into(), 2));
        let count = 3 + self.random.below(5) as usize;
        for index in 0..count {
            self.function(index);
        }
        self.main();
    }

    fn function(&mut self, index: usize) {
        let arity = 1 + self.random.below(3) as usize;
        let params: Vec<String> = (0..arity).map(|param| format!("p{param}")).collect();
        let name = format!("f{index}");
        let signature: Vec<String> = params.iter().map(|param| format!("{param}: int")).collect();
        let mut body = String::new();
        let param_names: Vec<&str> = params.iter().map(String::as_str).collect();
        let mut scope = Scope::new(&param_names);
        let statements = 2 + self.random.below(6);
        for _ in 0..statements {
            self.statement(&mut scope, &mut body, 1, 0);
        }
        let result = self.int_expr(&scope, 3);
        body.push_str(&format!("    return {result}\n"));
        self.out
            .push_str(&format!("fn {name}({}) -> int {{\n{body}}}\n\n", signature.join(", ")));
        self.functions.push((name, arity));
    }

    fn main(&mut self) {
        let mut body = String::new();
        let mut scope = Scope::new(&[]);
        let statements = 4 + self.random.below(6);
        for _ in 0..statements {
            self.statement(&mut scope, &mut body, 1, 0);
        }
        for (name, arity) in self.functions.clone() {
            if name == "depth" {
                continue;
            }
            let args: Vec<String> = (0..arity).map(|_| self.int_expr(&scope, 2)).collect();
            body.push_str(&format!("    print(\"{name}: {{{name}({})}}\")\n", args.join(", ")));
        }
        body.push_str("    print(\"counter {counter}, history {len(history)}, names {len(names)}\")\n");
        body.push_str("    for k, v in names {\n        print(\"{k}={v}\")\n    }\n");
        self.out.push_str(&format!("fn main() {{\n{body}}}\n"));
    }

    fn indent(depth: usize) -> String {
        "    ".repeat(depth)
    }

    fn statement(&mut self, scope: &mut Scope, out: &mut String, depth: usize, loops: usize) {
        let pad = Self::indent(depth);
        let nested = depth < 3;
        match self.random.below(21) {
            19 | 20 => self.closure_statement(scope, out, depth),
            18 => {
                // The methods of arrays that change `history` in place.
                match self.random.below(5) {
                    0 => {
                        // `sort_by` is stable: equal last digits keep their order, which
                        // the printed elements show.
                        out.push_str(&format!("{pad}history.sort_by(by_last_digit)\n"));
                        out.push_str(&format!(
                            "{pad}for h in history.slice(0, min(len(history), 4)) {{\n{pad}    print(h)\n{pad}}}\n"
                        ));
                    }
                    1 => out.push_str(&format!("{pad}history.reverse()\n")),
                    2 => {
                        let a = self.int_expr(scope, 1);
                        let b = self.int_expr(scope, 1);
                        out.push_str(&format!("{pad}history.extend([{a}, {b}])\n"));
                    }
                    3 => {
                        let value = self.int_expr(scope, 1);
                        out.push_str(&format!("{pad}history.insert_at(len(history) / 2, {value})\n"));
                    }
                    _ => out.push_str(&format!(
                        "{pad}if len(history) > 0 {{\n{pad}    counter += history.remove_at(len(history) - 1)\n{pad}}}\n"
                    )),
                }
            }
            15 => {
                // Printing and comparing enum values.
                let left = self.shape_expr(scope, 2);
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}print({left})\n"));
                } else {
                    let right = self.shape_expr(scope, 2);
                    out.push_str(&format!(
                        "{pad}print(\"{{{left} == {right}}} {{{left} != {right}}}\")\n"
                    ));
                }
            }
            16 => {
                // `if let` with a variant pattern, or `let ... else` inside a loop.
                let shape = self.shape_expr(scope, 2);
                self.binding += 1;
                let name = format!("m{}", self.binding);
                if loops > 0 && self.random.chance(50) {
                    out.push_str(&format!(
                        "{pad}let .Circle({name}) = {shape} else {{\n{pad}    continue\n{pad}}}\n"
                    ));
                    out.push_str(&format!("{pad}print({name})\n"));
                } else {
                    out.push_str(&format!(
                        "{pad}if let .Named(_, .Rect({name}, 3)) = {shape} {{\n{pad}    print({name})\n{pad}}} else {{\n{pad}    print(\"no rect\")\n{pad}}}\n"
                    ));
                }
            }
            17 => {
                // A statement `match` with nested patterns.
                let shape = self.shape_expr(scope, 2);
                self.binding += 1;
                let name = format!("m{}", self.binding);
                let value = self.int_expr(scope, 1);
                out.push_str(&format!(
                    "{pad}match {shape} {{\n{pad}    .Named(_, .Named(_, _)) => print(\"deep\"),\n{pad}    .Circle({name}) if {name} > {value} => print(\"big {{{name}}}\"),\n{pad}    .Dot | .Circle(_) => print(\"small\"),\n{pad}    _ => print(weight(.Dot)),\n{pad}}}\n"
                ));
            }
            0 | 1 => {
                let name = scope.fresh();
                let value = self.int_expr(scope, 3);
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}var {name} = {value}\n"));
                    scope.mutable_ints.push(name.clone());
                } else {
                    out.push_str(&format!("{pad}let {name} = {value}\n"));
                }
                scope.ints.push(name);
            }
            2 if !scope.mutable_ints.is_empty() => {
                let target = scope.mutable_ints[self.random.below(scope.mutable_ints.len() as u64) as usize].clone();
                let op = ["+=", "-=", "*=", "="][self.random.below(4) as usize];
                let value = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}{target} {op} {value}\n"));
            }
            3 => {
                let value = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}counter += {value}\n"));
            }
            4 if nested => {
                let condition = self.bool_expr(scope, 2);
                out.push_str(&format!("{pad}if {condition} {{\n"));
                self.block(scope, out, depth + 1, loops);
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}}} else {{\n"));
                    self.block(scope, out, depth + 1, loops);
                }
                out.push_str(&format!("{pad}}}\n"));
            }
            5 if nested => {
                let counter = scope.fresh();
                let bound = 1 + self.random.below(6);
                out.push_str(&format!("{pad}for {counter} in 0..{bound} {{\n"));
                scope.ints.push(counter.clone());
                self.block(scope, out, depth + 1, loops + 1);
                scope.ints.retain(|name| *name != counter);
                out.push_str(&format!("{pad}}}\n"));
            }
            6 if nested => {
                // A while loop with its own bound, so it always ends.
                let counter = scope.fresh();
                let bound = 1 + self.random.below(5);
                out.push_str(&format!("{pad}var {counter} = 0\n{pad}while {counter} < {bound} {{\n"));
                out.push_str(&format!("{pad}    {counter} += 1\n"));
                scope.ints.push(counter.clone());
                self.block(scope, out, depth + 1, loops + 1);
                if self.random.chance(30) {
                    let condition = self.bool_expr(scope, 1);
                    let jump = if self.random.chance(50) { "break" } else { "continue" };
                    out.push_str(&format!(
                        "{pad}    if {condition} {{\n{pad}        {jump}\n{pad}    }}\n"
                    ));
                }
                scope.ints.retain(|name| *name != counter);
                out.push_str(&format!("{pad}}}\n"));
            }
            7 => {
                let value = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}history.push({value})\n"));
                if self.random.chance(30) {
                    out.push_str(&format!(
                        "{pad}if len(history) > 3 {{\n{pad}    counter += history.pop()\n{pad}}}\n"
                    ));
                }
                if self.random.chance(25) {
                    self.loop_over_history(scope, out, &pad);
                }
            }
            8 => {
                let key = self.str_expr(scope, 1);
                let value = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}names[{key}] = {value}\n"));
            }
            9 => {
                let name = scope.fresh();
                let x = self.int_expr(scope, 2);
                let y = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}let {name} = Point {{ x: {x}, y: {y} }}\n"));
                let field = ["x", "y"][self.random.below(2) as usize];
                let value = self.int_expr(scope, 1);
                out.push_str(&format!("{pad}{name}.{field} += {value}\n"));
                out.push_str(&format!(
                    "{pad}print(\"{{{name}.label}} {{{name}.x}} {{{name}.y}} {{{name}.weight}}\")\n"
                ));
                scope.ints.push(format!("{name}.x"));
            }
            10 => {
                let name = scope.fresh();
                let value = self.float_expr(scope, 3);
                out.push_str(&format!("{pad}let {name} = {value}\n"));
                out.push_str(&format!("{pad}print(\"float {{{name}}} {{fixed({name}, 3)}}\")\n"));
                scope.floats.push(name);
            }
            11 => {
                let name = scope.fresh();
                let value = self.str_expr(scope, 2);
                out.push_str(&format!("{pad}let {name} = {value}\n"));
                out.push_str(&format!("{pad}print({name} + \" \" + str(len({name})))\n"));
                scope.strs.push(name);
            }
            12 if !scope.ints.is_empty() => {
                if self.random.chance(50) {
                    self.section11_print(scope, out, &pad);
                } else {
                    let value = self.int_expr(scope, 3);
                    out.push_str(&format!("{pad}print(\"value {{{value}}}\")\n"));
                }
            }
            13 if self.random.chance(30) => self.counting_idiom(scope, out, &pad),
            13 => {
                // An optional: a map lookup that may be missing, unwrapped safely or not.
                let key = self.str_expr(scope, 1);
                if self.random.chance(85) {
                    out.push_str(&format!(
                        "{pad}if has(names, {key}) {{\n{pad}    counter += names[{key}]\n{pad}}}\n"
                    ));
                } else {
                    out.push_str(&format!("{pad}counter += names[{key}]\n"));
                }
            }
            _ => {
                let value = self.int_expr(scope, 2);
                if self.random.chance(90) || loops > 0 {
                    out.push_str(&format!("{pad}print({value})\n"));
                } else {
                    let index = self.int_expr(scope, 1);
                    out.push_str(&format!("{pad}print(history[{index} % (len(history) + 1)])\n"));
                }
            }
        }
    }

    /// Closures (LANGUAGE.md section 10): mutated captures shared with the enclosing code,
    /// loop variables captured per iteration, nesting two levels deep, escaping closures.
    fn closure_statement(&mut self, scope: &mut Scope, out: &mut String, depth: usize) {
        let pad = Self::indent(depth);
        match self.random.below(4) {
            0 => {
                // A mutated capture, assigned on both sides.
                let cell = scope.fresh();
                let closure = scope.fresh();
                let start = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}var {cell} = {start}\n"));
                scope.ints.push(cell.clone());
                scope.mutable_ints.push(cell.clone());
                let parameter = scope.fresh();
                scope.ints.push(parameter.clone());
                let step = self.int_expr(scope, 2);
                scope.ints.pop();
                out.push_str(&format!(
                    "{pad}let {closure} = fn({parameter}: int) -> int {{\n{pad}    {cell} += {step}\n"
                ));
                if depth < 3 && self.random.chance(50) {
                    self.block(scope, out, depth + 1, 0);
                }
                out.push_str(&format!("{pad}    return {cell}\n{pad}}}\n"));
                let argument = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}print({closure}({argument}))\n"));
                out.push_str(&format!("{pad}{cell} -= 1\n"));
                let argument = self.int_expr(scope, 1);
                out.push_str(&format!("{pad}print({closure}({argument}) + {cell})\n"));
            }
            1 => {
                // Loop variables, and a body `var`, captured per iteration; called later.
                let list = scope.fresh();
                let counter = scope.fresh();
                let local = scope.fresh();
                let bound = 1 + self.random.below(5);
                out.push_str(&format!("{pad}var {list}: [fn(int) -> int] = []\n"));
                out.push_str(&format!("{pad}for {counter} in 0..{bound} {{\n"));
                scope.ints.push(counter.clone());
                let start = self.int_expr(scope, 1);
                out.push_str(&format!("{pad}    var {local} = {start}\n"));
                scope.ints.push(local.clone());
                let parameter = scope.fresh();
                scope.ints.push(parameter.clone());
                let value = self.int_expr(scope, 2);
                scope.ints.truncate(scope.ints.len() - 3);
                out.push_str(&format!(
                    "{pad}    {list}.push(fn({parameter}) -> int {{\n{pad}        {local} += 1\n{pad}        return {value} + {local} * {counter}\n{pad}    }})\n{pad}}}\n"
                ));
                let argument = self.int_expr(scope, 1);
                out.push_str(&format!(
                    "{pad}for f in {list} {{\n{pad}    print(f({argument}))\n{pad}    print(f(0))\n{pad}}}\n"
                ));
            }
            2 => {
                // A closure made by a closure, using a variable from two levels up.
                let outer = scope.fresh();
                let (a, b) = (scope.fresh(), scope.fresh());
                scope.ints.push(a.clone());
                scope.ints.push(b.clone());
                let value = self.int_expr(scope, 2);
                scope.ints.truncate(scope.ints.len() - 2);
                out.push_str(&format!(
                    "{pad}let {outer} = fn({a}: int) -> fn(int) -> int {{\n{pad}    return fn({b}) => {value}\n{pad}}}\n"
                ));
                let (first, second) = (self.int_expr(scope, 1), self.int_expr(scope, 1));
                out.push_str(&format!("{pad}print({outer}({first})({second}))\n"));
            }
            _ => {
                // An escaping closure with its own state, called twice.
                let acc = scope.fresh();
                let start = self.int_expr(scope, 2);
                out.push_str(&format!("{pad}let {acc} = make_acc({start})\n"));
                let (first, second) = (self.int_expr(scope, 1), self.int_expr(scope, 1));
                out.push_str(&format!("{pad}{acc}({first})\n{pad}print({acc}({second}))\n"));
            }
        }
    }

    fn block(&mut self, scope: &mut Scope, out: &mut String, depth: usize, loops: usize) {
        let saved_ints = scope.ints.len();
        let saved_mutable = scope.mutable_ints.len();
        let saved_floats = scope.floats.len();
        let saved_strs = scope.strs.len();
        let statements = 1 + self.random.below(3);
        for _ in 0..statements {
            self.statement(scope, out, depth, loops);
        }
        scope.ints.truncate(saved_ints);
        scope.mutable_ints.truncate(saved_mutable);
        scope.floats.truncate(saved_floats);
        scope.strs.truncate(saved_strs);
    }

    fn int_expr(&mut self, scope: &Scope, depth: usize) -> String {
        if depth == 0 || self.random.chance(30) {
            return match self.random.below(4) {
                0 | 1 if !scope.ints.is_empty() => {
                    scope.ints[self.random.below(scope.ints.len() as u64) as usize].clone()
                }
                2 => ["counter", "LIMIT", "len(history)", "len(names)"][self.random.below(4) as usize].to_string(),
                _ => {
                    let value = self.random.int();
                    if value < 0 {
                        format!("({value})")
                    } else {
                        value.to_string()
                    }
                }
            };
        }
        match self.random.below(17) {
            14 | 15 => self.method_int_value(scope, depth),
            11 => self.match_int_value(scope, depth),
            12 => {
                let shape = self.shape_expr(scope, depth - 1);
                format!("weight({shape})")
            }
            13 => {
                let condition = self.bool_expr(scope, depth - 1);
                let then_value = self.int_expr(scope, depth - 1);
                let else_value = self.int_expr(scope, depth - 1);
                format!("(if {condition} {{ {then_value} }} else {{ {else_value} }})")
            }
            0..=4 => {
                let op = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"][self.random.below(10) as usize];
                let left = self.int_expr(scope, depth - 1);
                let right = self.int_expr(scope, depth - 1);
                // Mostly safe divisors; sometimes one that may be zero.
                if (op == "/" || op == "%") && self.random.chance(80) {
                    return format!("({left} {op} ({right} % 7 + 8))");
                }
                format!("({left} {op} {right})")
            }
            5 => format!("(-{})", self.int_expr(scope, depth - 1)),
            6 => {
                let a = self.int_expr(scope, depth - 1);
                let b = self.int_expr(scope, depth - 1);
                let function = ["min", "max"][self.random.below(2) as usize];
                format!("{function}({a}, {b})")
            }
            7 => format!("abs({})", self.int_expr(scope, depth - 1)),
            8 if self.functions.len() > 1 => {
                let (name, arity) = self.functions[self.random.below(self.functions.len() as u64) as usize].clone();
                if name == "depth" {
                    let n = self.random.below(40);
                    let k = self.int_expr(scope, depth - 1);
                    return format!("depth({n}, {k})");
                }
                let args: Vec<String> = (0..arity).map(|_| self.int_expr(scope, depth - 1)).collect();
                format!("{name}({})", args.join(", "))
            }
            9 if !scope.floats.is_empty() => {
                let value = &scope.floats[self.random.below(scope.floats.len() as u64) as usize];
                format!("int({value} * 10.0)")
            }
            10 if !scope.strs.is_empty() => {
                let value = &scope.strs[self.random.below(scope.strs.len() as u64) as usize];
                format!("len({value})")
            }
            _ => {
                let value = self.random.int();
                if value < 0 {
                    format!("({value})")
                } else {
                    value.to_string()
                }
            }
        }
    }

    fn float_expr(&mut self, scope: &Scope, depth: usize) -> String {
        if depth == 0 || self.random.chance(30) {
            if !scope.floats.is_empty() && self.random.chance(50) {
                return scope.floats[self.random.below(scope.floats.len() as u64) as usize].clone();
            }
            let whole = self.random.below(1000);
            let fraction = self.random.below(100);
            return format!("{whole}.{fraction}");
        }
        match self.random.below(6) {
            0..=2 => {
                let op = ["+", "-", "*", "/"][self.random.below(4) as usize];
                format!(
                    "({} {op} {})",
                    self.float_expr(scope, depth - 1),
                    self.float_expr(scope, depth - 1)
                )
            }
            3 => format!("float({})", self.int_expr(scope, depth - 1)),
            4 => {
                let function = ["sqrt", "sin", "cos", "floor", "ceil", "exp"][self.random.below(6) as usize];
                format!("{function}({})", self.float_expr(scope, depth - 1))
            }
            _ => format!("(-{})", self.float_expr(scope, depth - 1)),
        }
    }

    fn str_expr(&mut self, scope: &Scope, depth: usize) -> String {
        if depth == 0 || self.random.chance(40) {
            if !scope.strs.is_empty() && self.random.chance(40) {
                return scope.strs[self.random.below(scope.strs.len() as u64) as usize].clone();
            }
            return format!("\"{}\"", ["a", "bc", "key", "", "zz"][self.random.below(5) as usize]);
        }
        match self.random.below(3) {
            0 => format!(
                "({} + {})",
                self.str_expr(scope, depth - 1),
                self.str_expr(scope, depth - 1)
            ),
            1 => format!("\"k{{{}}}\"", self.int_expr(scope, depth - 1)),
            _ => format!("str({})", self.int_expr(scope, depth - 1)),
        }
    }

    /// A `Shape` value, written with its enum's name (no expected type here), or an `if`
    /// value one of whose branches leaves the name out and takes it from the other.
    fn shape_expr(&mut self, scope: &Scope, depth: usize) -> String {
        match self.random.below(if depth == 0 { 4 } else { 7 }) {
            0 => "Shape.Dot".to_string(),
            1 => format!("Shape.Circle({})", self.int_expr(scope, depth.min(1))),
            2 => format!("Shape.Rect({})", self.int_expr(scope, depth.min(1))),
            3 => format!(
                "Shape.Rect({}, {})",
                self.int_expr(scope, depth.min(1)),
                self.int_expr(scope, depth.min(1))
            ),
            4 => "Shape.Named(\"a\", .Dot)".to_string(),
            5 => {
                let label = ["a", "bc", ""][self.random.below(3) as usize];
                let inner = self.shape_expr(scope, depth - 1);
                format!("Shape.Named(\"{label}\", {inner})")
            }
            _ => {
                let condition = self.bool_expr(scope, 1);
                let named = self.shape_expr(scope, depth - 1);
                let implicit = if self.random.chance(50) {
                    ".Dot".to_string()
                } else {
                    format!(".Circle({})", self.int_expr(scope, 1))
                };
                if self.random.chance(50) {
                    format!("(if {condition} {{ {implicit} }} else {{ {named} }})")
                } else {
                    format!("(if {condition} {{ {named} }} else {{ {implicit} }})")
                }
            }
        }
    }

    /// A `match` on an `int` used as a value: literals, alternatives, ranges, a guard on a
    /// binding, and a catch-all.
    fn match_int_value(&mut self, scope: &Scope, depth: usize) -> String {
        let scrutinee = self.int_expr(scope, depth - 1);
        let values: Vec<String> = (0..5).map(|_| self.int_expr(scope, depth.saturating_sub(2))).collect();
        // A range that the literal arms before it never cover (that arm could never run).
        let (low, high) = if self.random.chance(50) {
            let low = 3 + self.random.below(20) as i64;
            (low, low + 1 + self.random.below(30) as i64)
        } else {
            (-2 - self.random.below(20) as i64, -1)
        };
        self.binding += 1;
        let name = format!("m{}", self.binding);
        format!(
            "(match {scrutinee} {{ 0 => {}, 1 | 2 => {}, {low}..={high} => {}, {name} if {name} % 2 == 0 => {name} / 2 + {}, _ => {} }})",
            values[0], values[1], values[2], values[3], values[4]
        )
    }

    fn bool_expr(&mut self, scope: &Scope, depth: usize) -> String {
        if depth == 0 || self.random.chance(40) {
            let left = self.int_expr(scope, 1);
            let right = self.int_expr(scope, 1);
            let op = ["<", "<=", ">", ">=", "==", "!="][self.random.below(6) as usize];
            return format!("{left} {op} {right}");
        }
        match self.random.below(4) {
            3 => {
                let array = self.int_array(scope, depth - 1);
                match self.random.below(3) {
                    0 => format!("{array}.any(positive)"),
                    1 => format!("{array}.all(keep_even)"),
                    _ => {
                        let value = self.int_expr(scope, 1);
                        format!("{array}.contains({value})")
                    }
                }
            }
            0 => format!(
                "({} and {})",
                self.bool_expr(scope, depth - 1),
                self.bool_expr(scope, depth - 1)
            ),
            1 => format!(
                "({} or {})",
                self.bool_expr(scope, depth - 1),
                self.bool_expr(scope, depth - 1)
            ),
            _ => format!("not ({})", self.bool_expr(scope, depth - 1)),
        }
    }

    /// An array of ints for the methods: `history` or a short literal.
    fn int_array(&mut self, scope: &Scope, depth: usize) -> String {
        if self.random.chance(50) {
            return "history".to_string();
        }
        let elements: Vec<String> = (0..self.random.below(4)).map(|_| self.int_expr(scope, depth)).collect();
        if elements.is_empty() {
            return "history.copy()".to_string();
        }
        format!("[{}]", elements.join(", "))
    }

    /// An int computed by the methods of arrays (LANGUAGE.md section 10), with named
    /// functions as callbacks, among them the generated `f`s that may raise.
    fn method_int_value(&mut self, scope: &Scope, depth: usize) -> String {
        let array = self.int_array(scope, depth - 1);
        let init = self.int_expr(scope, depth - 1);
        match self.random.below(6) {
            0 => format!("len({array}.filter(keep_even))"),
            1 => format!("{array}.map(step).reduce({init}, add_up)"),
            2 => format!("{array}.reduce({init}, add_up)"),
            3 => format!("len({array}.filter(positive).map(step))"),
            4 => {
                let unary: Vec<String> = self
                    .functions
                    .iter()
                    .filter(|(name, arity)| *arity == 1 && name != "depth")
                    .map(|(name, _)| name.clone())
                    .collect();
                if unary.is_empty() {
                    return format!("len({array}.copy())");
                }
                let callback = &unary[self.random.below(unary.len() as u64) as usize];
                // Not over `history`: a generated function may push onto it, and a walk
                // reads the length afresh, so it would never end (and over a copy, the work
                // could grow tenfold at each call).
                let array = if array.starts_with("history") {
                    format!("[{}, LIMIT]", self.int_expr(scope, 1))
                } else {
                    array
                };
                format!("{array}.map({callback}).reduce({init}, add_up)")
            }
            _ => format!("(if let i = {array}.position(positive) {{ i }} else {{ -1 }})"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn programs_use_the_section_11_values() {
        let programs: String = (0..40).map(super::program).collect();
        for needle in [" ?? ", "'a'", "'é'", "r\"", "r#\"", ":>", ":0"] {
            assert!(programs.contains(needle), "no generated program contains `{needle}`");
        }
        // A precision (`.0}` to `.6}`) on some float's specification.
        assert!(
            (0..7).any(|digits| programs.contains(&format!(".{digits}}}"))),
            "no generated program has a format specification with a precision"
        );
    }

    #[test]
    fn programs_use_every_spelling_of_the_counting_idiom() {
        let programs: String = (0..200).map(super::program).collect();
        for needle in [
            " = names\n",
            "if has(v",
            ".has(v",
            "] += ",
            "] -= ",
            "} else {",
            "insert(v",
        ] {
            assert!(programs.contains(needle), "no generated program contains `{needle}`");
        }
    }
}
