import { describe, expect, it } from "vitest";
import { accessPolicy, canActOn, canAssignOwner, isAdmin } from "../../src/remediation/can-act-on.js";

const policy = accessPolicy(["SecOps@Acme.example", "not an email", "root@B\u00FCcher.example"]);
const owned = { sourceOwnerEmail: "ann@acme.example" };

describe("canActOn", () => {
  it("lets the source's owner act, as the owner", () => {
    expect(canActOn({ email: "ann@acme.example" }, owned, policy)).toEqual({
      ok: true,
      actorEmail: "ann@acme.example",
      as: "owner",
      ownerEmail: "ann@acme.example",
    });
  });

  it("lets the owner assigned in chat act, and no longer the source's owner", () => {
    const assigned = { ...owned, assignedOwnerEmail: "bob@acme.example" };
    expect(canActOn({ email: "bob@acme.example" }, assigned, policy)).toMatchObject({
      ok: true,
      as: "owner",
    });
    expect(canActOn({ email: "ann@acme.example" }, assigned, policy)).toEqual({
      ok: false,
      actorEmail: "ann@acme.example",
      ownerEmail: "bob@acme.example",
    });
  });

  it("lets a configured admin act on any account, even one with no owner", () => {
    expect(canActOn({ email: "secops@acme.example" }, owned, policy)).toMatchObject({
      ok: true,
      as: "admin",
    });
    expect(canActOn({ email: "secops@acme.example" }, {}, policy)).toMatchObject({
      ok: true,
      as: "admin",
      ownerEmail: undefined,
    });
  });

  it("refuses a stranger, naming the owner of record", () => {
    expect(canActOn({ email: "eve@acme.example" }, owned, policy)).toEqual({
      ok: false,
      actorEmail: "eve@acme.example",
      ownerEmail: "ann@acme.example",
    });
  });

  it("refuses an actor whose email the platform did not give, or gave invalid, even on an ownerless account", () => {
    for (const email of [undefined, "", "ann", "@acme.example", "not an email"]) {
      expect(canActOn({ email }, owned, policy).ok, String(email)).toBe(false);
      expect(canActOn({ email }, {}, policy).ok, String(email)).toBe(false);
    }
    // An invalid owner reference matches nobody, not even the same text.
    expect(canActOn({ email: "ann at acme" }, { sourceOwnerEmail: "ann at acme" }, policy).ok).toBe(false);
  });

  it("matches ASCII case and IDN spellings of one address, never a Unicode lookalike", () => {
    expect(canActOn({ email: " Ann@ACME.example " }, owned, policy)).toMatchObject({ ok: true, as: "owner" });
    const idn = { sourceOwnerEmail: "j\u00F6rg@b\u00FCcher.example" };
    expect(canActOn({ email: "j\u00F6rg@xn--bcher-kva.example" }, idn, policy)).toMatchObject({ ok: true });
    expect(canActOn({ email: "j\u00F6rg@B\u00DCCHER.example" }, idn, policy)).toMatchObject({ ok: true });
    // Only ASCII letters fold: "Ö" is not "ö", and KELVIN SIGN (U+212A) is not "k".
    expect(canActOn({ email: "J\u00D6RG@b\u00FCcher.example" }, idn, policy).ok).toBe(false);
    const kim = { sourceOwnerEmail: "kim@acme.example" };
    expect(canActOn({ email: "\u212Aim@acme.example" }, kim, policy).ok).toBe(false);
    // The admin list is compared the same way.
    expect(canActOn({ email: "root@xn--bcher-kva.example" }, owned, policy)).toMatchObject({ as: "admin" });
    expect(canActOn({ email: "\u0455ecops@acme.example" }, owned, policy).ok).toBe(false);
  });
});

describe("admin-only questions of the same policy", () => {
  it("lets only admins assign owners and start scans, not an account's owner", () => {
    expect(canAssignOwner({ email: "SECOPS@acme.example" }, policy)).toBe(true);
    expect(isAdmin({ email: "ann@acme.example" }, policy)).toBe(false);
    expect(canAssignOwner({ email: undefined }, policy)).toBe(false);
    // An invalid entry in WARDEN_ADMINS admits nobody.
    expect(isAdmin({ email: "not an email" }, policy)).toBe(false);
    expect(isAdmin({ email: "secops@acme.example" }, accessPolicy([]))).toBe(false);
  });
});
