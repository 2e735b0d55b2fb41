/**
 * Counters the emulator keeps, readable in-process (`emulator.stats()`) and over HTTP
 * (`GET /_emulator/stats`), so tests can assert exact call counts.
 */

/** A snapshot of the emulator's counters. Every map is keyed as its name says. */
export interface EmulatorStats {
  /** Every request the handler saw, admin and OIDC included. */
  readonly requests: number
  /** Requests by service: `sts`, `s3`, `dynamodb`, `oidc`, `admin`. */
  readonly requestsByService: Readonly<Record<string, number>>
  /** STS calls by action (`AssumeRole`, ...), counted whatever their outcome. */
  readonly stsCalls: Readonly<Record<string, number>>
  /** Operations by `service:Operation` (`sts:AssumeRole`, `s3:GetObject`, `dynamodb:PutItem`). */
  readonly operations: Readonly<Record<string, number>>
  /** Error responses the emulator rendered, by AWS error code. */
  readonly rejections: Readonly<Record<string, number>>
  /** Injected faults by kind (`throttle`, `error`, `hang`). */
  readonly faultsInjected: Readonly<Record<string, number>>
  /** Temporary credentials issued by STS. */
  readonly credentialsIssued: number
  /** OIDC tokens minted (endpoint and in-process). */
  readonly oidcTokensIssued: number
}

/** The mutable counters behind {@link EmulatorStats}. */
export interface StatsRecorder {
  request(service: string): void
  stsCall(action: string): void
  operation(service: string, operation: string): void
  rejection(code: string): void
  fault(kind: string): void
  credentialsIssued(): void
  oidcTokenIssued(): void
  snapshot(): EmulatorStats
  reset(): void
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1
}

/** Fresh, zeroed counters. */
export function createStats(): StatsRecorder {
  let requests = 0
  let credentials = 0
  let oidcTokens = 0
  let byService: Record<string, number> = {}
  let sts: Record<string, number> = {}
  let operations: Record<string, number> = {}
  let rejections: Record<string, number> = {}
  let faults: Record<string, number> = {}
  return {
    request(service) {
      requests++
      bump(byService, service)
    },
    stsCall: (action) => bump(sts, action),
    operation: (service, operation) => bump(operations, `${service}:${operation}`),
    rejection: (code) => bump(rejections, code),
    fault: (kind) => bump(faults, kind),
    credentialsIssued: () => void credentials++,
    oidcTokenIssued: () => void oidcTokens++,
    snapshot: () => ({
      requests,
      requestsByService: { ...byService },
      stsCalls: { ...sts },
      operations: { ...operations },
      rejections: { ...rejections },
      faultsInjected: { ...faults },
      credentialsIssued: credentials,
      oidcTokensIssued: oidcTokens,
    }),
    reset() {
      requests = 0
      credentials = 0
      oidcTokens = 0
      byService = {}
      sts = {}
      operations = {}
      rejections = {}
      faults = {}
    },
  }
}
