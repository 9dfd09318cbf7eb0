import { z } from 'zod';
import { knowledgeFileSchema } from './schema';
import { flowFileSchema } from '../flows/schema';

/**
 * JSON Schema for knowledge files, generated from the same zod definitions the loader
 * validates with, so editors' autocompletion never drifts from what the bot accepts.
 */
export function knowledgeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(knowledgeFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Tanya knowledge file', description: 'A YAML file under knowledge/: settings, stores, products, policies and faq entries.' };
}

/** JSON Schema for flow files (flows/*.yaml), from the flow loader's definitions. */
export function flowsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(flowFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Tanya flow file', description: 'A YAML file under flows/: multi-turn flows (docs/flows.md).' };
}
