import { EmulatorFault, type ServiceEnv, type ServiceModule } from './context.ts'

/** Placeholder until the DynamoDB emulator lands: answers in DynamoDB's JSON error format. */
export function createDynamoDbService(_env: ServiceEnv): ServiceModule {
  const renderError = (fault: EmulatorFault, requestId: string): Response =>
    new Response(
      JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault.code}`, message: fault.message }),
      { status: fault.status, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId } },
    )
  return {
    handle: () => {
      throw new EmulatorFault('UnknownOperationException', 'DynamoDB is not emulated yet', 400)
    },
    renderError,
  }
}
