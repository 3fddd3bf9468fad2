// The config samtycke.banner.banner_config() writes into samtycke.js (and GET /v1/sites/{site}).
export type Texts = Record<string, string>; // language -> text
export type Policy = "necessary-and-functional" | "ignore";

export interface CookieInfo {
  name: string;
  domain: string;
  service: string | null;
  expires: Texts;
  purpose?: Texts; // left out of samtycke.js unless built with purposes
}

export interface StorageInfo {
  name: string;
  kind: "localStorage" | "sessionStorage";
  service: string | null;
}

export interface ServiceInfo {
  id: string;
  name: string;
  provider: string;
}

export interface CategoryInfo {
  id: string;
  refusable: boolean;
  label: Texts;
  description: Texts;
  services: ServiceInfo[];
  cookies: CookieInfo[];
  storage: StorageInfo[];
}

export interface Config {
  site: string;
  name: string;
  revision: number;
  fingerprint: string;
  consent_days: number;
  languages: string[];
  domains: string[];
  shared_domains?: string[]; // domains that share one decision through the consent server
  do_not_track: Policy;
  global_privacy_control: Policy;
  google_consent_mode: boolean;
  wait_for_update: number;
  settings_button: boolean;
  endpoint: string | null;
  policy_url: string | null;
  categories: CategoryInfo[];
  texts: Record<string, Texts>; // language -> key -> text
}
