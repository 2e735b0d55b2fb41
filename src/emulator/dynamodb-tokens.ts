/**
 * The tokenizer for DynamoDB expressions (condition, filter, key condition, update, projection).
 * Tokens carry their offsets so syntax errors can quote the text "near" them as AWS does:
 * `Syntax error; token: "<EOF>", near: ":v"`.
 */

/** One lexical token of an expression. */
export interface Token {
  readonly kind: 'name' | 'attrName' | 'attrValue' | 'number' | 'punct' | 'eof'
  readonly text: string
  readonly start: number
  readonly end: number
}

/** A tokenizer failure: an unexpected character at an offset. */
export interface TokenError {
  readonly error: string
  readonly start: number
}

const PUNCT = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-']

/** Split an expression into tokens, ending with an `eof` token; or say where it broke. */
export function tokenize(source: string): Token[] | TokenError {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i] as string
    if (/\s/.test(c)) {
      i++
      continue
    }
    const word = /^(?:[#:][A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(source.slice(i))
    if (word) {
      const text = word[0]
      const kind = text.startsWith('#')
        ? 'attrName'
        : text.startsWith(':')
        ? 'attrValue'
        : /^[0-9]/.test(text)
        ? 'number'
        : 'name'
      tokens.push({ kind, text, start: i, end: i + text.length })
      i += text.length
      continue
    }
    const punct = PUNCT.find((p) => source.startsWith(p, i))
    if (!punct) return { error: c, start: i }
    tokens.push({ kind: 'punct', text: punct, start: i, end: i + punct.length })
    i += punct.length
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: source.length, end: source.length })
  return tokens
}

/** AWS's syntax-error detail for `token`, quoting the source from the previous token to it. */
export function syntaxError(source: string, tokens: readonly Token[], index: number): string {
  const token = tokens[index] as Token
  const previous = tokens[index - 1]
  const near = token.kind === 'eof'
    ? (previous?.text ?? '')
    : source.slice(previous ? previous.start : token.start, token.end)
  return `Syntax error; token: "${token.text}", near: "${near}"`
}
