import { describe, expect, test } from "vitest";
import { strerror } from "../../../lab/scenarios/strerror/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { classifyRecorded, type RecordedBuild } from "./recorded-output.js";

const [scenario] = loadScenarios([strerror]);

/**
 * What one real run (`npm run lab -- strerror`, 2026-12-02) saw per case and environment: the
 * probe's output, or the error and warning lines of the compiler's output.
 */
const RECORDED: Record<string, Record<string, RecordedBuild>> = {
  "message-texts": {
    glibc: {
      built: true,
      stdout:
        "text.0=Success\ntext.eopnotsupp=Operation not supported\ntext.edeadlk=Resource deadlock avoided\ntext.eilseq=Invalid or incomplete multibyte or wide character\ntext.unknown=Unknown error 12345\nsame.eopnotsupp_enotsup=yes\n",
      stderr: "",
    },
    musl: {
      built: true,
      stdout:
        "text.0=No error information\ntext.eopnotsupp=Not supported\ntext.edeadlk=Resource deadlock would occur\ntext.eilseq=Illegal byte sequence\ntext.unknown=No error information\nsame.eopnotsupp_enotsup=yes\n",
      stderr: "",
    },
  },
  translated: {
    glibc: {
      built: true,
      stdout: "setlocale=ok\nde.enoent=Datei oder Verzeichnis nicht gefunden\n",
      stderr: "",
    },
    musl: {
      built: true,
      stdout: "setlocale=ok\nde.enoent=No such file or directory\n",
      stderr: "",
    },
  },
  "xsi-strerror-r": {
    glibc: {
      built: true,
      stdout: "xsi.result=0\nxsi.buffer=No such file or directory\n",
      stderr: "",
    },
    musl: {
      built: true,
      stdout: "xsi.result=0\nxsi.buffer=No such file or directory\n",
      stderr: "",
    },
  },
  "gnu-strerror-r": {
    glibc: { built: true, stdout: "gnu.null=no\ngnu.text=No such file or directory\n", stderr: "" },
    musl: {
      built: false,
      output:
        "/lab/src/strerror-gnu.c: In function 'main':\n/lab/src/strerror-gnu.c:20:13: error: initialization of 'char *' from 'int' makes pointer from integer without a cast [-Wint-conversion]\n   20 |   char *s = strerror_r(ENOENT, buf, sizeof buf);",
    },
    "musl-1.2.3": { built: true, stdout: "gnu.null=yes\n", stderr: "" },
  },
};

describe("strerror: the recorded outputs against the scenario's expectations", () => {
  const cases = scenario!.cases;

  test("every case has a recording", () => {
    expect(Object.keys(RECORDED).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  test("every recording classifies as predicted: a failed build fails with the words predicted", () => {
    for (const run of classifyRecorded(scenario!, RECORDED)) {
      expect(run.mismatches, run.where).toEqual([]);
      expect(run.outcome, run.where).toBe(run.wanted);
    }
  });

  test("the same numbers, other words; a German locale translates on glibc only", () => {
    expect(RECORDED["message-texts"]!.glibc).toMatchObject({
      stdout: expect.stringContaining("text.unknown=Unknown error 12345"),
    });
    expect(RECORDED["message-texts"]!.musl).toMatchObject({
      stdout: expect.stringContaining("text.unknown=No error information"),
    });
    expect(RECORDED.translated!.glibc).toMatchObject({
      stdout: expect.stringContaining("de.enoent=Datei oder Verzeichnis nicht gefunden"),
    });
  });

  test("GNU-style strerror_r: gcc 14 refuses it on musl 1.2.5, gcc 12 lets NULL through on 1.2.3", () => {
    expect(RECORDED["gnu-strerror-r"]!.musl).toMatchObject({
      built: false,
      output: expect.stringContaining("[-Wint-conversion]"),
    });
    expect(RECORDED["gnu-strerror-r"]!["musl-1.2.3"]).toMatchObject({
      stdout: "gnu.null=yes\n",
    });
  });
});
