// Types of `tooltrail/integrations/mcp` (bindings-node/integrations/mcp.js;
// docs/integrations.md). Structural, so that the types need no MCP SDK.
import type { ToolGateway } from '../index'

/** The JSON-RPC error code of a call tooltrail refused (the proxy's too). */
export declare const REFUSED: -32010

/** What `instrument` needs of an MCP client: the SDK's `Client` has it. */
export interface McpToolCaller {
  callTool(params: { name: string; arguments?: Record<string, unknown> }, ...rest: any[]): Promise<unknown>
}

/**
 * Routes `client.callTool` through `gateway`, under the current run
 * (`gateway.run(ids, fn)`); returns the same client. A call refused by a
 * budget or the loop guard rejects with the SDK's `McpError` (code
 * `REFUSED`, `data: { error_class, budget?, stop_reason?, tool? }`).
 */
export declare function instrument<C extends McpToolCaller>(client: C, gateway: ToolGateway): C
