/**
 * @file tree-sitter grammar for lang (LANGUAGE.md version 0.2).
 *
 * Statements end at a newline or `;` (section 1), Go's rule: a newline ends a statement only
 * where a statement could end. The grammar says so the way tree-sitter-go does: `\n` is both
 * whitespace (an extra) and a token, `_terminator`, and tree-sitter's lexer only produces the
 * token in a state where it is valid, that is after something that can end a statement and
 * outside `(...)` and `[...]`. Elsewhere (after `+`, `,`, `{`, `.`, inside an argument list) the
 * newline is skipped as whitespace, so a line ending with an operator continues.
 *
 * Raw strings (`r"..."`, `r#"..."#`, with any number of `#`) are scanned by `src/scanner.c`.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  coalesce: 5,
  bit_or: 6,
  bit_xor: 7,
  bit_and: 8,
  shift: 9,
  add: 10,
  multiply: 11,
  unary: 12,
  postfix: 13,
};

/** Zero or more `rule`s separated by commas, with an optional trailing comma. */
const commaSeparated = (rule) => optional(seq(rule, repeat(seq(',', rule)), optional(',')));

module.exports = grammar({
  name: 'lang',

  extras: ($) => [/\s/, $.comment],

  externals: ($) => [$.raw_string],

  word: ($) => $.identifier,

  supertypes: ($) => [$._expression, $._statement, $._type, $._pattern, $._item],

  conflicts: ($) => [
    // `Name {` in the head of `if`, `while`, `for` and `match` opens the body, not a struct
    // literal (section 4); GLR tries both and keeps the one that parses.
    [$._expression, $.type_identifier],
  ],

  rules: {
    source_file: ($) => seq(repeat(seq($._item, $._terminator)), optional($._item)),

    _terminator: (_) => repeat1(choice('\n', ';')),

    _item: ($) =>
      choice(
        $.import_declaration,
        $.function_declaration,
        $.struct_declaration,
        $.enum_declaration,
        $.variable_declaration,
      ),

    comment: (_) => token(seq('//', /[^\n]*/)),

    import_declaration: ($) => seq('import', field('module', $.identifier)),

    function_declaration: ($) =>
      seq(
        optional(field('visibility', 'pub')),
        'fn',
        field('name', $.identifier),
        field('parameters', $.parameters),
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    parameters: ($) => seq('(', commaSeparated($.parameter), ')'),
    parameter: ($) => seq(field('name', $.identifier), optional(seq(':', field('type', $._type)))),

    struct_declaration: ($) =>
      seq(
        optional(field('visibility', 'pub')),
        'struct',
        field('name', $.identifier),
        '{',
        commaSeparated($.field_declaration),
        '}',
      ),
    field_declaration: ($) =>
      seq(
        field('name', $.identifier),
        ':',
        field('type', $._type),
        optional(seq('=', field('default', $._expression))),
      ),

    enum_declaration: ($) =>
      seq(
        optional(field('visibility', 'pub')),
        'enum',
        field('name', $.identifier),
        '{',
        commaSeparated($.variant_declaration),
        '}',
      ),
    variant_declaration: ($) =>
      seq(field('name', $.identifier), optional(seq('(', commaSeparated($.field_declaration), ')'))),

    variable_declaration: ($) =>
      seq(
        optional(field('visibility', 'pub')),
        choice('let', 'var'),
        field('pattern', $._pattern),
        optional(seq(':', field('type', $._type))),
        '=',
        field('value', $._expression),
        optional(seq('else', field('else', $.block))),
      ),

    // Types (section 2).
    _type: ($) => choice($.type_identifier, $.array_type, $.map_type, $.optional_type, $.function_type),
    type_identifier: ($) => seq($.identifier, optional(seq('.', $.identifier))),
    array_type: ($) => seq('[', $._type, ']'),
    map_type: ($) => seq('{', $._type, ':', $._type, '}'),
    optional_type: ($) => seq(choice('?', '??'), $._type),
    function_type: ($) =>
      prec.right(seq('fn', '(', commaSeparated($._type), ')', optional(seq('->', $._type)))),

    // Statements (section 4). A block's `{}` wins over an empty map literal where both fit
    // (a `match` arm's body).
    block: ($) => prec(1, seq('{', optional($._statements), '}')),
    _statements: ($) => seq($._statement, repeat(seq($._terminator, $._statement)), optional($._terminator)),

    _statement: ($) =>
      choice(
        $.variable_declaration,
        $.assignment,
        $.while_statement,
        $.for_statement,
        $.return_statement,
        $.break_statement,
        $.continue_statement,
        $.expression_statement,
      ),

    assignment: ($) =>
      seq(
        field('target', $._expression),
        field('operator', choice('=', '+=', '-=', '*=', '/=', '%=')),
        field('value', $._expression),
      ),

    while_statement: ($) => seq('while', field('condition', $._expression), field('body', $.block)),
    for_statement: ($) =>
      seq(
        'for',
        field('name', $.identifier),
        optional(seq(',', field('value', $.identifier))),
        'in',
        field('iterable', $._expression),
        optional(seq(field('range', choice('..', '..=')), field('end', $._expression))),
        field('body', $.block),
      ),
    return_statement: ($) => prec.right(seq('return', optional($._expression))),
    break_statement: (_) => 'break',
    continue_statement: (_) => 'continue',
    expression_statement: ($) => $._expression,

    // Expressions.
    _expression: ($) =>
      choice(
        $.identifier,
        $.integer,
        $.float,
        $.boolean,
        $.nil,
        $.string,
        $.raw_string,
        $.char,
        $.array_literal,
        $.map_literal,
        $.struct_literal,
        $.variant,
        $.parenthesized_expression,
        $.call,
        $.member,
        $.index,
        $.unwrap,
        $.unary_expression,
        $.binary_expression,
        $.if_expression,
        $.match_expression,
        $.function_expression,
      ),

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,
    integer: (_) => token(choice(/0[xX][0-9A-Fa-f_]+/, /0[bB][01_]+/, /[0-9][0-9_]*/)),
    float: (_) =>
      token(choice(/[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?/, /[0-9][0-9_]*[eE][+-]?[0-9_]+/)),
    boolean: (_) => choice('true', 'false'),
    nil: (_) => 'nil',

    string: ($) =>
      seq('"', repeat(choice($.string_content, $.escape_sequence, $.interpolation)), token.immediate('"')),
    string_content: (_) => token.immediate(prec(1, /[^"\\{]+/)),
    escape_sequence: (_) => token.immediate(/\\[^\n]/),
    interpolation: ($) =>
      seq(
        alias(token.immediate('{'), $.interpolation_start),
        $._expression,
        optional(seq(':', optional($.format_specification))),
        alias('}', $.interpolation_end),
      ),
    format_specification: (_) => token.immediate(/[^}]+/),
    char: (_) => token(seq("'", choice(/\\[^\n]/, /[^'\\\n]/), "'")),

    array_literal: ($) => seq('[', commaSeparated($._expression), ']'),
    map_literal: ($) => seq('{', commaSeparated($.map_entry), '}'),
    map_entry: ($) => seq(field('key', $._expression), ':', field('value', $._expression)),
    struct_literal: ($) =>
      seq(field('type', $.type_identifier), '{', commaSeparated($.field_initializer), '}'),
    field_initializer: ($) => seq(field('name', $.identifier), ':', field('value', $._expression)),
    // `.Name`: a variant of the enum the context expects (section 9).
    variant: ($) => seq('.', field('name', $.identifier)),
    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    call: ($) => prec(PREC.postfix, seq(field('function', $._expression), field('arguments', $.arguments))),
    arguments: ($) => seq('(', commaSeparated($._expression), ')'),
    member: ($) => prec(PREC.postfix, seq(field('object', $._expression), '.', field('name', $.identifier))),
    index: ($) =>
      prec(PREC.postfix, seq(field('object', $._expression), '[', field('index', $._expression), ']')),
    unwrap: ($) => prec(PREC.postfix, seq($._expression, '!')),

    unary_expression: ($) =>
      choice(
        prec(PREC.unary, seq(field('operator', choice('-', '~')), $._expression)),
        prec(PREC.not, seq(field('operator', 'not'), $._expression)),
      ),

    binary_expression: ($) => {
      const table = [
        [PREC.or, 'or', prec.left],
        [PREC.and, 'and', prec.left],
        [PREC.compare, choice('==', '!=', '<', '<=', '>', '>='), prec.left],
        [PREC.coalesce, '??', prec.right],
        [PREC.bit_or, '|', prec.left],
        [PREC.bit_xor, '^', prec.left],
        [PREC.bit_and, '&', prec.left],
        [PREC.shift, choice('<<', '>>'), prec.left],
        [PREC.add, choice('+', '-'), prec.left],
        [PREC.multiply, choice('*', '/', '%'), prec.left],
      ];
      return choice(
        ...table.map(([precedence, operator, associativity]) =>
          associativity(
            precedence,
            seq(field('left', $._expression), field('operator', operator), field('right', $._expression)),
          ),
        ),
      );
    },

    if_expression: ($) =>
      prec.right(
        seq(
          'if',
          field('condition', choice($._expression, $.let_condition)),
          field('consequence', $.block),
          optional(seq('else', field('alternative', choice($.block, $.if_expression)))),
        ),
      ),
    let_condition: ($) => seq('let', field('pattern', $._pattern), '=', field('value', $._expression)),

    match_expression: ($) =>
      seq(
        'match',
        field('value', $._expression),
        '{',
        repeat(seq($.match_arm, choice(',', $._terminator))),
        optional($.match_arm),
        '}',
      ),
    match_arm: ($) =>
      seq(
        field('pattern', $._pattern),
        optional(seq('if', field('guard', $._expression))),
        '=>',
        field('body', choice($.block, $._expression)),
      ),

    // Patterns (section 9).
    _pattern: ($) =>
      choice(
        $.identifier,
        $.integer,
        $.negative_integer,
        $.string,
        $.raw_string,
        $.char,
        $.boolean,
        $.nil,
        $.wildcard,
        $.variant_pattern,
        $.range_pattern,
        $.or_pattern,
      ),
    wildcard: (_) => '_',
    negative_integer: ($) => seq('-', $.integer),
    variant_pattern: ($) =>
      seq(
        choice(
          seq('.', field('name', $.identifier)),
          seq(field('enum', $.identifier), '.', field('name', $.identifier)),
          seq(field('module', $.identifier), '.', field('enum', $.identifier), '.', field('name', $.identifier)),
        ),
        optional(seq('(', commaSeparated($._pattern), ')')),
      ),
    range_pattern: ($) =>
      seq(
        choice($.integer, $.negative_integer, $.char),
        choice('..', '..='),
        choice($.integer, $.negative_integer, $.char),
      ),
    or_pattern: ($) => prec.left(seq($._pattern, '|', $._pattern)),

    // Closures (section 10).
    function_expression: ($) =>
      prec.right(
        seq(
          'fn',
          field('parameters', $.parameters),
          choice(
            seq('=>', field('body', $._expression)),
            seq(optional(seq('->', field('result', $._type))), field('body', $.block)),
          ),
        ),
      ),
  },
});
