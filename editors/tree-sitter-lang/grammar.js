/**
 * @file tree-sitter grammar for lang (LANGUAGE.md version 0.2).
 *
 * Statements end at a newline or `;` (section 1). Newlines are extras here and statements
 * need no terminator: tree-sitter's GLR parsing takes the longest statement, which is what
 * the Go-style newline rule gives for every program that `lang` accepts. Highlighting only
 * needs the shape of each construct, not `lang`'s exact error reporting.
 */

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
  range: 10,
  add: 11,
  multiply: 12,
  unary: 13,
  postfix: 14,
};

const commaSeparated = (rule) => optional(seq(rule, repeat(seq(',', rule)), optional(',')));

module.exports = grammar({
  name: 'lang',

  extras: ($) => [/\s/, $.comment],

  word: ($) => $.identifier,

  conflicts: ($) => [
    [$.struct_literal, $._expression],
    [$.block, $.map_literal],
  ],

  rules: {
    source_file: ($) => repeat(seq($._item, optional(';'))),

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

    visibility: (_) => 'pub',

    function_declaration: ($) =>
      seq(
        optional($.visibility),
        'fn',
        field('name', $.identifier),
        field('parameters', $.parameters),
        optional(seq('->', field('result', $._type))),
        field('body', $.block),
      ),

    parameters: ($) => seq('(', commaSeparated($.parameter), ')'),
    parameter: ($) => seq(field('name', $.identifier), optional(seq(':', field('type', $._type)))),

    struct_declaration: ($) =>
      seq(optional($.visibility), 'struct', field('name', $.identifier), '{', commaSeparated($.field_declaration), '}'),
    field_declaration: ($) => seq(field('name', $.identifier), ':', field('type', $._type)),

    enum_declaration: ($) =>
      seq(optional($.visibility), 'enum', field('name', $.identifier), '{', commaSeparated($.variant_declaration), '}'),
    variant_declaration: ($) =>
      seq(field('name', $.identifier), optional(seq('(', commaSeparated($.field_declaration), ')'))),

    variable_declaration: ($) =>
      prec.right(
        seq(
          optional($.visibility),
          choice('let', 'var'),
          field('pattern', $._pattern),
          optional(seq(':', field('type', $._type))),
          '=',
          field('value', $._expression),
          optional(seq('else', field('else', $.block))),
        ),
      ),

    _type: ($) => choice($.type_identifier, $.array_type, $.map_type, $.optional_type, $.function_type),
    type_identifier: ($) => seq($.identifier, optional(seq('.', $.identifier))),
    array_type: ($) => seq('[', $._type, ']'),
    map_type: ($) => seq('{', $._type, ':', $._type, '}'),
    optional_type: ($) => seq('?', $._type),
    function_type: ($) => prec.right(seq('fn', '(', commaSeparated($._type), ')', optional(seq('->', $._type)))),

    block: ($) => seq('{', repeat(seq($._statement, optional(';'))), '}'),

    _statement: ($) =>
      choice(
        $.variable_declaration,
        $.assignment,
        $.if_statement,
        $.while_statement,
        $.for_statement,
        $.return_statement,
        $.break_statement,
        $.continue_statement,
        $.expression_statement,
      ),

    assignment: ($) =>
      prec.right(
        seq(
          field('target', $._expression),
          field('operator', choice('=', '+=', '-=', '*=', '/=', '%=')),
          field('value', $._expression),
        ),
      ),

    if_statement: ($) => $.if_expression,
    while_statement: ($) => seq('while', field('condition', $._expression), field('body', $.block)),
    for_statement: ($) =>
      seq(
        'for',
        field('name', $.identifier),
        optional(seq(',', field('value', $.identifier))),
        'in',
        field('iterable', $._expression),
        field('body', $.block),
      ),
    return_statement: ($) => prec.right(seq('return', optional($._expression))),
    break_statement: (_) => 'break',
    continue_statement: (_) => 'continue',
    expression_statement: ($) => $._expression,

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
        $.range,
        $.if_expression,
        $.match_expression,
        $.function_expression,
      ),

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,
    integer: (_) => token(choice(/0[xX][0-9A-Fa-f_]+/, /0[bB][01_]+/, /[0-9][0-9_]*/)),
    float: (_) => token(choice(/[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?/, /[0-9][0-9_]*[eE][+-]?[0-9_]+/)),
    boolean: (_) => choice('true', 'false'),
    nil: (_) => 'nil',

    string: ($) =>
      seq('"', repeat(choice($.string_content, $.escape_sequence, $.interpolation)), token.immediate('"')),
    string_content: (_) => token.immediate(prec(1, /[^"\\{]+/)),
    escape_sequence: (_) => token.immediate(/\\[ntr\\"{}]/),
    interpolation: ($) =>
      seq(token.immediate('{'), $._expression, optional(seq(':', optional($.format_specification))), '}'),
    format_specification: (_) => /[^}]+/,
    raw_string: (_) => token(choice(seq('r"', /[^"]*/, '"'), seq('r#"', /([^"]|"[^#])*/, '"#'))),
    char: (_) => token(seq("'", choice(/\\[ntr\\"'{}]/, /[^'\\]/), "'")),

    array_literal: ($) => seq('[', commaSeparated($._expression), ']'),
    map_literal: ($) => seq('{', commaSeparated($.map_entry), '}'),
    map_entry: ($) => seq(field('key', $._expression), ':', field('value', $._expression)),
    struct_literal: ($) =>
      seq(field('type', $.type_identifier), '{', commaSeparated($.field_initializer), '}'),
    field_initializer: ($) => seq(field('name', $.identifier), optional(seq(':', field('value', $._expression)))),
    variant: ($) => prec.right(seq(optional($.identifier), '.', field('name', $.identifier))),
    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    call: ($) => prec(PREC.postfix, seq(field('function', $._expression), field('arguments', $.arguments))),
    arguments: ($) => seq('(', commaSeparated($._expression), ')'),
    member: ($) => prec(PREC.postfix, seq(field('object', $._expression), '.', field('name', $.identifier))),
    index: ($) => prec(PREC.postfix, seq(field('object', $._expression), '[', field('index', $._expression), ']')),
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

    range: ($) => prec.left(PREC.range, seq($._expression, choice('..', '..='), $._expression)),

    if_expression: ($) =>
      prec.right(
        seq(
          'if',
          field('condition', choice($._expression, $.let_condition)),
          field('consequence', $.block),
          optional(seq('else', field('alternative', choice($.block, $.if_expression)))),
        ),
      ),
    let_condition: ($) => seq('let', $._pattern, '=', $._expression),

    match_expression: ($) =>
      seq('match', field('value', $._expression), '{', repeat(seq($.match_arm, optional(','))), '}'),
    match_arm: ($) =>
      prec.right(
        seq(
          field('pattern', $._pattern),
          optional(seq('if', field('guard', $._expression))),
          '=>',
          field('body', choice($.block, $._statement)),
        ),
      ),

    _pattern: ($) =>
      choice(
        $.identifier,
        $.integer,
        $.string,
        $.char,
        $.boolean,
        $.nil,
        $.wildcard,
        $.variant_pattern,
        $.range_pattern,
        $.or_pattern,
      ),
    wildcard: (_) => '_',
    variant_pattern: ($) =>
      prec.right(seq(optional($.identifier), '.', field('name', $.identifier), optional(seq('(', commaSeparated($._pattern), ')')))),
    range_pattern: ($) => prec(1, seq(choice($.integer, $.char), choice('..', '..='), choice($.integer, $.char))),
    or_pattern: ($) => prec.left(seq($._pattern, '|', $._pattern)),

    function_expression: ($) =>
      prec.right(
        seq(
          'fn',
          field('parameters', $.parameters),
          choice(seq('=>', field('body', $._expression)), seq(optional(seq('->', field('result', $._type))), field('body', $.block))),
        ),
      ),
  },
});
