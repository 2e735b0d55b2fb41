/** A scripted fetch for request-layer tests: records each request and answers from a script. */
import type { FetchLike } from '../../src/types.ts'

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Headers
  readonly body: string
}

export type Answer =
  | Response
  | Error
  | 'hang'
  | ((request: Recorded) => Response | Promise<Response>)

export interface FakeFetch {
  readonly fetch: FetchLike
  readonly requests: Recorded[]
}

/** Answers in order; the last answer repeats. 'hang' never settles (ignores the signal). */
export function fakeFetch(...answers: Answer[]): FakeFetch {
  const requests: Recorded[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const recorded: Recorded = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body ? await request.text() : '',
    }
    const answer = answers[Math.min(requests.length, answers.length - 1)]
    requests.push(recorded)
    if (answer === undefined) throw new Error('no answer scripted')
    if (answer === 'hang') return new Promise<Response>(() => {})
    if (answer instanceof Error) throw answer
    if (typeof answer === 'function') return answer(recorded)
    return answer.clone()
  }
  return { fetch, requests }
}

export const xmlError = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response =>
  new Response(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-${code}</RequestId></ErrorResponse>`,
    { status, headers: { 'content-type': 'text/xml', ...headers } },
  )

export const ok = (body = 'ok', headers: Record<string, string> = {}): Response =>
  new Response(body, { status: 200, headers })
