import { afterEach, describe, expect, it } from "vitest";
import i18n from "../i18n";
import { describeRrule } from "./describeRule";

afterEach(async () => {
  await i18n.changeLanguage("en");
});

/** The sentence in `lang` (the user in Tokyo). */
async function say(rrule: string, lang: "en" | "ja", timeZone = "Asia/Tokyo") {
  await i18n.changeLanguage(lang);
  return describeRrule(rrule, i18n.t, lang, timeZone);
}

// rule, English, Japanese
const TABLE: [string, string, string][] = [
  ["FREQ=DAILY", "Every day", "毎日"],
  ["FREQ=DAILY;INTERVAL=3", "Every 3 days", "3日ごと"],
  ["FREQ=WEEKLY;COUNT=5", "Every week, 5 times", "毎週、5回"],
  ["FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", "Every week on Monday and Wednesday, 5 times", "毎週 月曜日と水曜日、5回"],
  ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH,SA;WKST=SU", "Every 2 weeks on Tuesday, Thursday and Saturday", "2週間ごと 火曜日、木曜日と土曜日"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every week on weekdays", "毎週 平日"],
  ["FREQ=WEEKLY;COUNT=1", "Every week, once", "毎週、1回"],
  ["FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2", "Every month on the 15th, twice", "毎月 15日、2回"],
  ["FREQ=MONTHLY;BYMONTHDAY=1,2,3,11,22,23", "Every month on the 1st, the 2nd, the 3rd, the 11th, the 22nd and the 23rd", "毎月 1日、2日、3日、11日、22日と23日"],
  ["FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270331", "Every month on the 15th, until Mar 31, 2027", "毎月 15日、2027/03/31まで"],
  ["FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day", "毎月 末日"],
  ["FREQ=MONTHLY;BYMONTHDAY=-2", "Every month on the second to last day", "毎月 最後から2番目の日"],
  ["FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO", "Every 2 months on the second Monday", "2か月ごと 第2月曜日"],
  ["FREQ=MONTHLY;BYDAY=-1FR", "Every month on the last Friday", "毎月 最終金曜日"],
  ["FREQ=MONTHLY;BYDAY=+1TU,-2TH", "Every month on the first Tuesday and the second to last Thursday", "毎月 第1火曜日と最後から2番目の木曜日"],
  ["FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "Every month on the 13th, if it falls on Friday", "毎月 金曜日に当たる13日"],
  ["FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "Every month on the last weekday", "毎月 最後の平日"],
  ["FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=1", "Every month on the first Saturday or Sunday", "毎月 1番目の土曜日または日曜日"],
  ["FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-2", "Every month on the first weekday and the second to last weekday", "毎月 1番目の平日と最後から2番目の平日"],
  ["FREQ=YEARLY;BYMONTH=3;BYDAY=-1FR", "Every year in March on the last Friday", "毎年 3月の最終金曜日"],
  ["FREQ=YEARLY;BYMONTH=1,7", "Every year in January and July", "毎年 1月と7月"],
  ["FREQ=YEARLY;BYDAY=20MO", "Every year on the 20th Monday", "毎年 第20月曜日"],
  ["FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=TU", "Every 4 years in November on the 2nd, the 3rd, the 4th, the 5th, the 6th, the 7th and the 8th, if it falls on Tuesday", "4年ごと 11月の火曜日に当たる2日、3日、4日、5日、6日、7日と8日"],
  ["FREQ=MONTHLY;BYDAY=MO", "Every month on every Monday", "毎月 すべての月曜日"],
  ["FREQ=YEARLY;BYMONTH=12;BYDAY=MO,TU,WE,TH,FR", "Every year in December on every weekday", "毎年 12月のすべての平日"],
  ["FREQ=MONTHLY;BYDAY=TU,-1FR", "Every month on every Tuesday and the last Friday", "毎月 すべての火曜日と最終金曜日"],
  ["FREQ=YEARLY;BYMONTHDAY=15", "Every year on the 15th of every month", "毎年 毎月15日"],
  ["FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15", "Every year in June on the 15th", "毎年 6月の15日"],
  ["FREQ=YEARLY;BYMONTH=6;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "Every year in June on the last weekday", "毎年 6月の最後の平日"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "Every week on the last weekday", "毎週 最後の平日"],
  ["FREQ=HOURLY;INTERVAL=6;COUNT=4", "Every 6 hours, 4 times", "6時間ごと、4回"],
  ["FREQ=MINUTELY", "Every minute", "毎分"],
  ["FREQ=MINUTELY;INTERVAL=15", "Every 15 minutes", "15分ごと"],
  ["freq=weekly;byday=mo;", "Every week on Monday", "毎週 月曜日"],
];

describe("a repeat rule in words", () => {
  it.each(TABLE)("%s", async (rule, english, japanese) => {
    expect(await say(rule, "en")).toEqual({ text: english, unsaid: [] });
    expect(await say(rule, "ja")).toEqual({ text: japanese, unsaid: [] });
  });

  it("joins several rules into one sentence", async () => {
    const rules = "FREQ=WEEKLY;COUNT=4\nFREQ=MONTHLY;BYMONTHDAY=15;COUNT=2";
    expect((await say(rules, "en")).text).toBe("Every week, 4 times; and every month on the 15th, twice");
    expect((await say(rules, "ja")).text).toBe("毎週、4回。さらに毎月 15日、2回");
    const three = `${rules}\nFREQ=YEARLY`;
    expect((await say(three, "en")).text).toBe("Every week, 4 times; every month on the 15th, twice; and every year");
  });

  it("reads a UTC UNTIL as a date in the user's zone", async () => {
    // 23:59:59 UTC on 6 December is already the morning of the 7th in Tokyo, still the 6th in New York.
    expect((await say("FREQ=DAILY;UNTIL=20261206T235959Z", "en")).text).toBe("Every day, until Dec 7, 2026");
    expect((await say("FREQ=DAILY;UNTIL=20261206T235959Z", "en", "America/New_York")).text).toBe("Every day, until Dec 6, 2026");
    expect((await say("FREQ=DAILY;UNTIL=20261206T235959Z", "ja", "America/New_York")).text).toBe("毎日、2026/12/06まで");
    // A floating date-time is read as written; an unknown zone reads as UTC.
    expect((await say("FREQ=DAILY;UNTIL=20261206T235959", "en")).text).toBe("Every day, until Dec 6, 2026");
    expect((await say("FREQ=DAILY;UNTIL=20261206T235959Z", "en", "Mars/Olympus")).text).toBe("Every day, until Dec 6, 2026");
  });

  it("does not shorten a rule it cannot say whole: it is returned as stored", async () => {
    for (const rule of [
      "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
      "FREQ=YEARLY;BYYEARDAY=100",
      "FREQ=DAILY;BYHOUR=9,17",
      "FREQ=DAILY;BYMINUTE=30",
      "FREQ=FORTNIGHTLY",
      "INTERVAL=2",
      "FREQ=WEEKLY;BYDAY=2MO",
      "FREQ=MONTHLY;BYDAY=XX",
      "FREQ=MONTHLY;BYMONTHDAY=0",
      "FREQ=MONTHLY;BYMONTHDAY=32",
      "FREQ=YEARLY;BYMONTH=13",
      "FREQ=DAILY;COUNT=0",
      "FREQ=DAILY;INTERVAL=two",
      "FREQ=DAILY;UNTIL=20270231",
      "FREQ=DAILY;UNTIL=20270228T250000Z",
      "FREQ=DAILY;UNTIL=2027-02-28",
      "FREQ=DAILY;COUNT=2;COUNT=3",
      "FREQ=MONTHLY;BYSETPOS=1",
      "FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=1",
      "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=1;BYSETPOS=1",
      "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=1",
      "FREQ=WEEKLY;BYMONTHDAY=1",
      "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
      "FREQ=YEARLY;BYMONTH=3,6;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      "FREQ=DAILY;X-NAME=1",
      "FREQ=DAILY;COUNT",
    ]) {
      expect(await say(rule, "en"), rule).toEqual({ text: null, unsaid: [rule] });
    }
  });

  it("says the rules it can and returns the others as stored", async () => {
    const rules = "FREQ=WEEKLY;BYDAY=MO\nFREQ=YEARLY;BYWEEKNO=20;BYDAY=MO\n";
    expect(await say(rules, "en")).toEqual({ text: "Every week on Monday", unsaid: ["FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"] });
    expect(await say(rules, "ja")).toEqual({ text: "毎週 月曜日", unsaid: ["FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"] });
  });
});
