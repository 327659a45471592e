import { describe, expect, it } from "vitest";
import { expectThrows } from "../test-helpers.ts";
import { CaInvalidArgumentError } from "../core/errors.ts";
import { envAddressList, envNumber, envPort, envYesNo, ipv4ToNumber, numberToIpv4, parseAddressList } from "./env.ts";

describe("EPICS environment variables", () => {
  it("parse address lists with optional ports", () => {
    expect(parseAddressList(" 10.0.0.255  ioc1:6064 ", 5064, "EPICS_CA_ADDR_LIST")).toEqual([
      { host: "10.0.0.255", port: 5064 },
      { host: "ioc1", port: 6064 },
    ]);
    expect(envAddressList({}, "EPICS_CA_ADDR_LIST", 5064)).toBeUndefined();
    expectThrows(
      () => parseAddressList("host:99999", 5064, "EPICS_CA_ADDR_LIST"),
      CaInvalidArgumentError,
      "EPICS_CA_ADDR_LIST entry 'host:99999' is not 'host' or 'host:port'",
    );
  });

  it("parse ports, numbers and yes/no with defaults", () => {
    expect(envPort({ EPICS_CA_SERVER_PORT: "6064" }, "EPICS_CA_SERVER_PORT", 5064)).toBe(6064);
    expect(envPort({}, "EPICS_CA_SERVER_PORT", 5064)).toBe(5064);
    expectThrows(() => envPort({ P: "http" }, "P", 1), CaInvalidArgumentError, "P='http' is not a port number (0..65535)");
    expect(envNumber({ EPICS_CA_MAX_ARRAY_BYTES: "1000000" }, "EPICS_CA_MAX_ARRAY_BYTES", 16384)).toBe(1_000_000);
    expect(envYesNo({ EPICS_CA_AUTO_ADDR_LIST: "no" }, "EPICS_CA_AUTO_ADDR_LIST", true)).toBe(false);
    expectThrows(
      () => envYesNo({ EPICS_CA_AUTO_ADDR_LIST: "maybe" }, "EPICS_CA_AUTO_ADDR_LIST", true),
      CaInvalidArgumentError,
      "EPICS_CA_AUTO_ADDR_LIST='maybe' is neither YES nor NO",
    );
  });

  it("convert IPv4 addresses to and from numbers", () => {
    expect(ipv4ToNumber("127.0.0.1")).toBe(0x7f000001);
    expect(numberToIpv4(0xc0a801ff)).toBe("192.168.1.255");
  });
});
