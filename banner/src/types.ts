// The config samtycke.banner.banner_config() writes into samtycke.js (and GET /v1/sites/{site}).
export type Texts = Record<string, string>; // language -> text
export type Policy = "necessary-and-functional" | "ignore";

export interface CookieInfo {
  name: string;
  domain: string;
  service: string | null;
  provider: string; // the service's provider, else the site's controller
  third_party: boolean; // set on a domain that is not the site's
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
  name: Texts; // the label as written inside a sentence ("marketing", "Marketing" in German)
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
  do_not_track: Policy;
  global_privacy_control: Policy;
  google_consent_mode: boolean;
  consent_mode: {
    regions: { region: string[]; granted: string[] }[]; // region-scoped defaults
    ads_data_redaction: boolean;
    url_passthrough: boolean;
  };
  uet: boolean; // Microsoft UET consent mode (ad_storage from marketing)
  clarity: boolean; // Microsoft Clarity consent (consentv2 from analytics and marketing)
  theme: {
    vars: Record<string, string>; // CSS custom properties --stk-<name> of banner.css
    position: "bottom" | "top" | "left" | "right";
    logo: string | null;
  };
  wait_for_update: number;
  settings_button: boolean;
  endpoint: string | null;
  policy_url: string | null;
  categories: CategoryInfo[];
  texts: Record<string, Texts>; // language -> key -> text
}
