import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEmail, sameEmail } from "../../src/identity/normalize-email.js";

describe("normalizeEmail", () => {
  it("trims and lower-cases ASCII letters in the local part and the domain", () => {
    expect(normalizeEmail("  Raj.Patel@ACME.Example \n")).toBe("raj.patel@acme.example");
    expect(normalizeEmail("JAMES.OKAFOR@acme.example")).toBe("james.okafor@acme.example");
  });

  it("never case-folds non-ASCII letters in the local part: lookalikes stay distinct", () => {
    // "\u212A".toLowerCase() is "k": the old comparison let this address act as James.
    expect(normalizeEmail("james.o\u212Aafor@acme.example")).toBe("james.o\u212Aafor@acme.example");
    expect(sameEmail("james.o\u212Aafor@acme.example", "james.okafor@acme.example")).toBe(false);
    // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE lower-cases to "i" + U+0307 in JavaScript.
    expect(normalizeEmail("\u0130lker@acme.example")).toBe("\u0130lker@acme.example");
    expect(sameEmail("\u0130lker@acme.example", "ilker@acme.example")).toBe(false);
    expect(sameEmail("\u0130lker@acme.example", "i\u0307lker@acme.example")).toBe(false);
    // Fullwidth letters are ASCII under NFKC; not here.
    expect(sameEmail("\uFF32\uFF41\uFF4A@acme.example", "raj@acme.example")).toBe(false);
    // Cyrillic "а" (U+0430) looks like Latin "a".
    expect(sameEmail("r\u0430j.patel@acme.example", "raj.patel@acme.example")).toBe(false);
    // Upper and lower case of a non-ASCII letter are different local parts.
    expect(sameEmail("J\u00D6RG@acme.example", "j\u00F6rg@acme.example")).toBe(false);
  });

  it("keeps non-ASCII local parts as they are, so an exact match still matches", () => {
    expect(normalizeEmail("j\u00F6rg.m\u00FCller@acme.example")).toBe("j\u00F6rg.m\u00FCller@acme.example");
    expect(sameEmail("J\u00F6rg.M\u00FCller@Acme.example", "j\u00F6rg.m\u00FCller@acme.example")).toBe(true);
    expect(sameEmail("\u0130lker@acme.example", "\u0130lker@ACME.example")).toBe(true);
  });

  it("puts internationalised domains in their ASCII (punycode) form", () => {
    expect(normalizeEmail("info@B\u00DCCHER.example")).toBe("info@xn--bcher-kva.example");
    expect(sameEmail("info@b\u00FCcher.example", "info@xn--bcher-kva.example")).toBe(true);
    expect(sameEmail("info@XN--BCHER-KVA.example", "info@b\u00FCcher.example")).toBe(true);
    // A homograph domain is a different domain (Cyrillic "а" in "аcme").
    expect(normalizeEmail("raj@\u0430cme.example")).toBe("raj@xn--cme-5cd.example");
    expect(sameEmail("raj@\u0430cme.example", "raj@acme.example")).toBe(false);
    // The domain follows IDNA (UTS #46) as DNS does: fullwidth letters and U+212A in a domain name
    // the same host, so mail to either reaches the same place.
    expect(normalizeEmail("raj@\uFF41\uFF43\uFF4D\uFF45.example")).toBe("raj@acme.example");
    expect(normalizeEmail("raj@ac\u212Ame.example")).toBe("raj@ackme.example");
  });

  it("refuses what is not one address", () => {
    const invalid = [
      "",
      "   ",
      "raj.patel",
      "@acme.example",
      "raj.patel@",
      "raj@patel@acme.example",
      "raj.patel@acme.example, mallory@evil.example",
      "raj@acme.example/evil",
      "raj@acme.example?x",
      "raj@acme.example#x",
      "raj@ex%61mple.example",
      "raj@acme.example:25",
      "raj@acme example",
      "raj@acme\texample",
      "raj@xn--zz.example",
      "raj@acme.example\uFF0Fevil",
    ];
    for (const email of invalid) expect(normalizeEmail(email), JSON.stringify(email)).toBeUndefined();
    expect(normalizeEmail(undefined)).toBeUndefined();
    expect(normalizeEmail(null)).toBeUndefined();
  });

  it("matches nothing with an invalid address, not even the same invalid address", () => {
    expect(sameEmail(undefined, undefined)).toBe(false);
    expect(sameEmail("raj.patel", "raj.patel")).toBe(false);
    expect(sameEmail("raj@acme.example/x", "raj@acme.example")).toBe(false);
    expect(sameEmail("", "")).toBe(false);
  });

  it("is idempotent and agrees with sameEmail for any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (local, domain) => {
        const raw = `${local}@${domain}`;
        const once = normalizeEmail(raw);
        if (once === undefined) return sameEmail(raw, raw) === false;
        return normalizeEmail(once) === once && sameEmail(raw, once);
      }),
    );
  });

  it("matches any valid address whatever the case of its ASCII letters", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.infiniteStream(fc.boolean()), (email, upper) => {
        const mixed = [...email].map((c) => (upper.next().value ? c.toUpperCase() : c)).join("");
        return normalizeEmail(mixed) === email.toLowerCase() && sameEmail(mixed, email);
      }),
    );
  });

  it("changes only ASCII A–Z in the local part", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1 }), (local) => {
        fc.pre(!local.includes("@") && local.trim() === local);
        const normalized = normalizeEmail(`${local}@acme.example`);
        if (normalized === undefined) return false;
        const out = normalized.slice(0, -"@acme.example".length);
        return (
          out.length === local.length &&
          [...local].every((c, i) => (/[A-Z]/.test(c) ? c.toLowerCase() : c) === [...out][i])
        );
      }),
    );
  });
});
