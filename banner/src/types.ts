// The banner config samtycke.banner.banner_config() writes into samtycke.js (and GET /v1/sites/{site}).
// Its shape is the contract's BannerConfig: contract.ts is generated from src/samtycke/contract.py.
export type {
  BannerConfig as Config,
  CategoryInfo,
  CookieInfo,
  ServiceInfo,
  SignalMode as Policy,
  StorageInfo,
} from "./contract";
export type Texts = Record<string, string>; // language -> text
