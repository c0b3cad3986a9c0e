import type { InputBlock, StaticSelect } from "@slack/types";
import { describe, expect, it } from "vitest";
import { KEEP_DAYS, parseKeepDays } from "../../src/actions/keep-duration.js";
import { renderKeepModal } from "../../src/adapters/slack/render-keep-modal.js";
import type { ShowCardAction } from "../../src/adapters/teams/render/adaptive-card.js";
import { renderOwnerMessageCard } from "../../src/adapters/teams/render/render-owner-message-card.js";
import { NOW, ownerMessage } from "../adapters/slack/view-fixtures.js";

/** Slack's Keep modal: the expiry select's default and choices, in days. */
function slackChoices() {
  const modal = renderKeepModal({ privateMetadata: "sealed" });
  const select = (modal.blocks as InputBlock[]).flatMap((b) =>
    b.type === "input" && b.element.type === "static_select" ? [b.element as StaticSelect] : [],
  )[0]!;
  return {
    initial: Number(select.initial_option?.value),
    choices: (select.options ?? []).map((o) => Number(o.value)),
  };
}

/** Teams' Keep ShowCard: the expiry ChoiceSet's default and choices, in days. */
function teamsChoices() {
  const card = renderOwnerMessageCard(ownerMessage(1), { now: NOW });
  // The ShowCard titled "Keep…", wherever the card nests it.
  const find = (node: unknown): ShowCardAction[] => {
    if (node === null || typeof node !== "object") return [];
    const n = node as Record<string, unknown>;
    const own = n.type === "Action.ShowCard" && n.title === "Keep…" ? [n as unknown as ShowCardAction] : [];
    return [...own, ...Object.values(n).flatMap(find)];
  };
  const keep = find(card)[0]!;
  const set = keep.card.body?.find((e) => (e as { type: string }).type === "Input.ChoiceSet") as {
    value: string;
    choices: { value: string }[];
  };
  return { initial: Number(set.value), choices: set.choices.map((c) => Number(c.value)) };
}

describe("Keep's durations", () => {
  it("are offered the same on Slack and Teams: the policy's default and choices", () => {
    const slack = slackChoices();
    expect(slack).toEqual(teamsChoices());
    expect(slack).toEqual({ initial: KEEP_DAYS.default, choices: [...KEEP_DAYS.choices] });
    // Every choice offered is one the core accepts.
    for (const days of slack.choices) expect(parseKeepDays(String(days))).toBe(days);
  });

  it("default to 90 days when nothing was chosen and refuse anything outside 1..365 whole days", () => {
    expect(parseKeepDays(undefined)).toBe(90);
    expect(parseKeepDays("")).toBe(90);
    expect(parseKeepDays(" 30 ")).toBe(30);
    expect(parseKeepDays(365)).toBe(365);
    for (const bad of [0, 366, -5, 1.5, "abc", "1e3", Number.NaN, {}])
      expect(parseKeepDays(bad)).toBeUndefined();
  });
});
