import { grownUint32 } from '../model/growable.js';
import type { ResourceRef } from '../model/types.js';
import type { OwnLists } from './columns.js';

/**
 * The resource lists rows keep as their own (not shared whole), kept small.
 *
 * On a trail of S3 data events every row names its object and its bucket: the
 * list never repeats, but only the object is the row's own (the bucket is
 * one shared resource), and the object's name is the tail of its ARN. Kept as
 * it came, such a list costs about 150 bytes besides its ARN: the array, the
 * resource object and the name. So a list of one or two resources whose one
 * own resource's name ends its ARN is kept as that ARN plus a template shared
 * by every such list (the resource's type, account and where its name starts,
 * and the other resource by identity); the list is built again at each read.
 * Anything else is kept as it came.
 */
export class OwnResourceLists implements OwnLists<ResourceRef> {
  private lists: (readonly ResourceRef[])[] | null = null;
  /** Per row: 1 + its template's index, 0 when the row's list is in `lists` (or it has none). */
  private templateOf: Uint32Array | null = null;
  private arns: string[] | null = null;
  private readonly templates: Template[] = [];
  /** Templates by the other resource of the list (NO_OTHER for a list of one). */
  private readonly byOther = new Map<ResourceRef | typeof NO_OTHER, Template[]>();

  set(index: number, list: readonly ResourceRef[]): void {
    const template = this.templateFor(list);
    if (template === null) {
      (this.lists ??= [])[index] = list;
      if (this.templateOf !== null && index < this.templateOf.length) this.templateOf[index] = 0;
      return;
    }
    if (this.templateOf === null || index >= this.templateOf.length) this.templateOf = grownUint32(this.templateOf, index + 1);
    this.templateOf[index] = template.index + 1;
    (this.arns ??= [])[index] = list[template.own]!.arn;
    if (this.lists !== null && this.lists[index] !== undefined) delete this.lists[index];
  }

  at(index: number): readonly ResourceRef[] {
    const t = this.templateOf !== null && index < this.templateOf.length ? this.templateOf[index]! : 0;
    if (t === 0) return this.lists?.[index] ?? NO_RESOURCES;
    const template = this.templates[t - 1]!;
    const arn = this.arns![index]!;
    const own: ResourceRef = { type: template.type, name: arn.slice(template.nameStart), arn, accountId: template.accountId };
    if (template.other === NO_OTHER) return [own];
    return template.own === 0 ? [own, template.other] : [template.other, own];
  }

  /** The template `list` fits (made when new), or null to keep the list as it came. */
  private templateFor(list: readonly ResourceRef[]): Template | null {
    if (list.length === 0 || list.length > 2) return null;
    // The own resource is the one whose name ends its ARN; with two such, the first.
    let own = -1;
    for (let k = 0; k < list.length && own < 0; k++) {
      const { name, arn } = list[k]!;
      if (name !== '' && name.length < arn.length && arn.endsWith(name)) own = k;
    }
    if (own < 0) return null;
    const resource = list[own]!;
    const other = list.length === 1 ? NO_OTHER : list[1 - own]!;
    const nameStart = resource.arn.length - resource.name.length;
    const candidates = this.byOther.get(other);
    if (candidates !== undefined) {
      for (const t of candidates) {
        if (t.own === own && t.nameStart === nameStart && t.type === resource.type && t.accountId === resource.accountId) return t;
      }
    }
    // Lists whose other resource is not shared would each make a template: past this many, keep lists as they come.
    if (this.templates.length >= MAX_TEMPLATES) return null;
    const template: Template = { index: this.templates.length, own, other, nameStart, type: resource.type, accountId: resource.accountId };
    this.templates.push(template);
    if (candidates === undefined) this.byOther.set(other, [template]);
    else candidates.push(template);
    return template;
  }
}

interface Template {
  index: number;
  /** Where the own resource sits in the list (0 or 1). */
  own: number;
  other: ResourceRef | typeof NO_OTHER;
  /** The own resource's name is its ARN from here. */
  nameStart: number;
  type: string;
  accountId: string;
}

const NO_OTHER = Symbol('no other resource');
const MAX_TEMPLATES = 1 << 14;
const NO_RESOURCES: readonly ResourceRef[] = Object.freeze([]);
