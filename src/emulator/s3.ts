import { EmulatorFault, type ServiceEnv, type ServiceModule } from './context.ts'
import { xmlEscape, xmlResponse } from './xml.ts'

/** Placeholder until the S3 emulator lands: answers NotImplemented in S3's error format. */
export function createS3Service(_env: ServiceEnv): ServiceModule {
  const renderError = (fault: EmulatorFault, requestId: string): Response =>
    xmlResponse(
      `<Error><Code>${xmlEscape(fault.code)}</Code><Message>${xmlEscape(fault.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      fault.status,
    )
  return {
    handle: () => {
      throw new EmulatorFault('NotImplemented', 'S3 is not emulated yet', 501)
    },
    renderError,
  }
}
