/**
 * Collects transaction rows of a small instance in any order and packs them into the
 * time-sorted columnar TransactionLog. The scaled generator writes columns directly instead.
 */
import {
  HTTP_METHODS,
  type HttpMethod,
  TRANSACTION_TYPES,
  type TransactionLog,
  type TransactionType,
} from "./instance-data.js";

export class TransactionCollector {
  private readonly userIndex = new Map<string, number>();
  private readonly userNames: string[] = [];
  private readonly urlIndex = new Map<string, number>();
  private readonly urls: string[] = [];
  private readonly rows: number[][] = [];

  private intern(map: Map<string, number>, list: string[], value: string): number {
    let index = map.get(value);
    if (index === undefined) {
      index = list.length;
      list.push(value);
      map.set(value, index);
    }
    return index;
  }

  add(
    userName: string,
    epochSeconds: number,
    url: string,
    method: HttpMethod,
    type: TransactionType,
    responseTime: number,
  ): void {
    this.rows.push([
      epochSeconds,
      this.intern(this.userIndex, this.userNames, userName),
      this.intern(this.urlIndex, this.urls, url),
      HTTP_METHODS.indexOf(method),
      TRANSACTION_TYPES.indexOf(type),
      responseTime,
    ]);
  }

  build(sysIdPrefix: string): TransactionLog {
    // Stable sort by time keeps insertion order for rows of the same second.
    const rows = this.rows.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    const n = rows.length;
    const log = {
      kind: "transactions" as const,
      name: "syslog_transaction" as const,
      count: n,
      sysIdPrefix,
      userNames: this.userNames,
      urls: this.urls,
      user: new Uint32Array(n),
      time: new Uint32Array(n),
      url: new Uint32Array(n),
      method: new Uint8Array(n),
      type: new Uint8Array(n),
      responseTime: new Uint16Array(n),
    };
    rows.forEach((row, i) => {
      const [time = 0, user = 0, url = 0, method = 0, type = 0, rt = 0] = row;
      log.time[i] = time;
      log.user[i] = user;
      log.url[i] = url;
      log.method[i] = method;
      log.type[i] = type;
      log.responseTime[i] = rt;
    });
    return log;
  }
}
