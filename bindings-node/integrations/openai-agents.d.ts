// Types of `tooltrail/integrations/openai-agents` (OpenAI Agents SDK;
// docs/integrations.md). The SDK's own types, so importing this module's
// types needs `@openai/agents` installed, as using it does.
import type { ToolGateway } from '../index'
import type { tool as sdkTool, ToolInputParameters, ToolOptions, ToolOutputSchema, UnknownContext, TracingProcessor } from '@openai/agents'

/**
 * `tool(options)` of `@openai/agents` whose `execute` goes through `gateway`
 * under the current run: logged and hashed with the model's JSON arguments,
 * a throw logged with its error_class before the SDK handles it as usual.
 */
export declare function tool<
  TParameters extends ToolInputParameters = undefined,
  Context = UnknownContext,
  Result = string,
  TOutputSchema extends ToolOutputSchema | undefined = undefined,
>(
  gateway: ToolGateway,
  options: ToolOptions<TParameters, Context, TOutputSchema>,
): ReturnType<typeof sdkTool<TParameters, Context, Result, TOutputSchema>>

/**
 * Function tools made elsewhere with their `invoke` through `gateway` (a
 * failure the SDK turns into a message for the model is logged as a success:
 * make tools with `tool()` above to log every failure). Other tools are kept.
 */
export declare function wrapTools<T extends readonly unknown[]>(tools: T, gateway: ToolGateway): T

/** Replaces `agent.tools` with `wrapTools(agent.tools, gateway)`; returns `agent`. */
export declare function instrument<A extends { tools: unknown[] }>(agent: A, gateway: ToolGateway): A

/**
 * A tracing processor logging every agent run to `gateway` in one line:
 * `addTraceProcessor(processor(gw))`. A run per agent run outside tooltrail
 * runs, every function and MCP tool call no wrapper logged (timed from its
 * span), and model calls with their usage.
 */
export declare function processor(gateway: ToolGateway): TracingProcessor
