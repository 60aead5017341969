// Types of `tooltrail/integrations/ai` (Vercel AI SDK; docs/integrations.md).
// `telemetry` returns the SDK's own `Telemetry` type, so importing this
// module's types needs `ai` installed, as using it does.
import type { Telemetry } from 'ai'
import type { ToolGateway } from '../index'

/**
 * A copy of `tools` (the object given to `generateText` / `streamText`) whose
 * `execute(input, options)` calls go through `gateway` under the current run
 * (`gateway.run(ids, fn)`), logged and hashed with `input`. Tools without
 * `execute` are kept as they are.
 */
export declare function wrapTools<T extends Record<string, unknown>>(tools: T, gateway: ToolGateway): T

/**
 * An AI SDK telemetry integration logging to `gateway` what `generateText` /
 * `streamText` do, with no tool wrapped: `registerTelemetry(telemetry(gw))`,
 * or `experimental_telemetry: { integrations: [telemetry(gw)] }` per call.
 * Each invocation outside any run gets an implicit run of its own (ended when
 * the invocation and its tool calls have: a stream's when it is consumed);
 * inside a run (`gateway.run(ids, fn)`) it is logged under that run. Tool
 * calls (timed, with the model's arguments and call id), model calls
 * (`model_call` with usage and latency) and the calls the SDK refused
 * (`invalid_arguments`, `unknown_tool`) are logged; tools `wrapTools`
 * wrapped for `gateway` are logged once, by their wrapper. A failure inside
 * tooltrail never reaches the agent.
 */
export declare function telemetry(gateway: ToolGateway): Telemetry
