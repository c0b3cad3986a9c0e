import type { types } from "@slack/bolt";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const textOf = (value: unknown): string | undefined =>
  isObject(value) && typeof value.text === "string" ? value.text : undefined;

/**
 * Lists every Block Kit limit `blocks` (and the optional notification `text`) break, as
 * "blocks[3].text: 3120 characters > 3000". Empty when Slack would accept the message.
 * Works on any JSON, so it can also check blocks built elsewhere before sending.
 */
export function checkBlockKitLimits(
  blocks: readonly types.KnownBlock[] | readonly unknown[],
  text?: string,
): string[] {
  const problems: string[] = [];
  let total = 0;
  const over = (where: string, what: string, length: number, max: number, min = 1) => {
    if (length > max) problems.push(`${where}: ${what} ${length} > ${max}`);
    else if (length < min) problems.push(`${where}: ${what} ${length} < ${min}`);
  };
  const checkText = (where: string, value: unknown, max: number) => {
    const t = textOf(value);
    if (t === undefined) {
      problems.push(`${where}: missing text`);
      return;
    }
    total += t.length;
    over(where, "characters", t.length, max);
  };
  const checkElement = (where: string, element: unknown) => {
    if (!isObject(element)) {
      problems.push(`${where}: not an object`);
      return;
    }
    if (typeof element.action_id === "string")
      over(where, "action_id length", element.action_id.length, L.actionId);
    if (element.type === "button") {
      checkText(`${where}.text`, element.text, L.buttonText);
      if (typeof element.value === "string")
        over(`${where}.value`, "characters", element.value.length, L.buttonValue);
      if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") {
        problems.push(`${where}.style: "${String(element.style)}" is not primary or danger`);
      }
      if (isObject(element.confirm)) {
        const c = element.confirm;
        checkText(`${where}.confirm.title`, c.title, L.confirmTitle);
        checkText(`${where}.confirm.text`, c.text, L.confirmText);
        checkText(`${where}.confirm.confirm`, c.confirm, L.confirmButton);
        checkText(`${where}.confirm.deny`, c.deny, L.confirmButton);
      }
    } else if (element.placeholder !== undefined) {
      checkText(`${where}.placeholder`, element.placeholder, L.placeholderText);
    }
  };

  over("blocks", "count", blocks.length, L.blocksPerMessage);
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const where = `blocks[${i}]`;
    if (!isObject(block)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    if (typeof block.block_id === "string") {
      over(`${where}.block_id`, "characters", block.block_id.length, L.blockId);
      if (blockIds.has(block.block_id)) problems.push(`${where}.block_id: duplicate "${block.block_id}"`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case "header":
        checkText(`${where}.text`, block.text, L.headerText);
        break;
      case "section": {
        if (block.text !== undefined) checkText(`${where}.text`, block.text, L.sectionText);
        const fields = Array.isArray(block.fields) ? block.fields : [];
        if (block.text === undefined && fields.length === 0)
          problems.push(`${where}: neither text nor fields`);
        if (fields.length > L.sectionFields) {
          problems.push(`${where}.fields: count ${fields.length} > ${L.sectionFields}`);
        }
        for (const [j, f] of fields.entries()) checkText(`${where}.fields[${j}]`, f, L.fieldText);
        if (block.accessory !== undefined) checkElement(`${where}.accessory`, block.accessory);
        break;
      }
      case "context": {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        over(`${where}.elements`, "count", elements.length, L.contextElements);
        for (const [j, e] of elements.entries()) {
          if (isObject(e) && e.type !== "image") checkText(`${where}.elements[${j}]`, e, L.contextText);
        }
        break;
      }
      case "actions": {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        over(`${where}.elements`, "count", elements.length, L.actionsElements);
        const ids = new Set<string>();
        for (const [j, e] of elements.entries()) {
          checkElement(`${where}.elements[${j}]`, e);
          const id = isObject(e) && typeof e.action_id === "string" ? e.action_id : undefined;
          if (id !== undefined && ids.has(id))
            problems.push(`${where}.elements[${j}]: duplicate action_id "${id}"`);
          if (id !== undefined) ids.add(id);
        }
        break;
      }
      case "divider":
        break;
      default:
        problems.push(`${where}: block type "${String(block.type)}" is not one warden checks`);
    }
  }
  if (total > L.totalText) problems.push(`blocks: ${total} characters of text in all > ${L.totalText}`);
  if (text !== undefined) over("text", "characters", text.length, L.fallbackText);
  return problems;
}
