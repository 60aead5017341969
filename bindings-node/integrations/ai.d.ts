// Types of `tooltrail/integrations/ai` (Vercel AI SDK; docs/integrations.md).
import type { ToolGateway } from '../index'

/**
 * A copy of `tools` (the object given to `generateText` / `streamText`) whose
 * `execute(input, options)` calls go through `gateway` under the current run
 * (`gateway.run(ids, fn)`), logged and hashed with `input`. Tools without
 * `execute` are kept as they are.
 */
export declare function wrapTools<T extends Record<string, unknown>>(tools: T, gateway: ToolGateway): T
