//! The time-zone picker of the setup and settings forms: today's zone
//! names only (not the 1990s aliases tzdata keeps for old systems), each
//! under a name people recognise, and a first guess from the business's
//! WhatsApp number or the browser.

use axum::http::HeaderMap;
use chrono_tz::TZ_VARIANTS;

/// Old and alternate names tzdata keeps for compatibility (its `backward`
/// file, without the "pre-2013 practice" section, whose names are real
/// places people still pick, like Europe/Amsterdam). Taken from tzdata
/// 2025 as chrono-tz 0.10 carries it: `awk 'NR<155 || NR>265' backward |
/// grep ^Link | awk '{print $3}'`, names with a `/`. The whole-area
/// aliases (`US/…`, `Brazil/…`, `Etc/…`) are dropped by their prefix.
const OLD_NAMES: [&str; 66] = [
    "Africa/Asmera",
    "Africa/Timbuktu",
    "America/Argentina/ComodRivadavia",
    "America/Atka",
    "America/Buenos_Aires",
    "America/Catamarca",
    "America/Coral_Harbour",
    "America/Cordoba",
    "America/Ensenada",
    "America/Fort_Wayne",
    "America/Godthab",
    "America/Indianapolis",
    "America/Jujuy",
    "America/Knox_IN",
    "America/Louisville",
    "America/Mendoza",
    "America/Montreal",
    "America/Nipigon",
    "America/Pangnirtung",
    "America/Porto_Acre",
    "America/Rainy_River",
    "America/Rosario",
    "America/Santa_Isabel",
    "America/Shiprock",
    "America/Thunder_Bay",
    "America/Virgin",
    "America/Yellowknife",
    "Antarctica/South_Pole",
    "Asia/Ashkhabad",
    "Asia/Calcutta",
    "Asia/Choibalsan",
    "Asia/Chongqing",
    "Asia/Chungking",
    "Asia/Dacca",
    "Asia/Harbin",
    "Asia/Istanbul",
    "Asia/Kashgar",
    "Asia/Katmandu",
    "Asia/Macao",
    "Asia/Rangoon",
    "Asia/Saigon",
    "Asia/Tel_Aviv",
    "Asia/Thimbu",
    "Asia/Ujung_Pandang",
    "Asia/Ulan_Bator",
    "Atlantic/Faeroe",
    "Atlantic/Jan_Mayen",
    "Australia/ACT",
    "Australia/Canberra",
    "Australia/Currie",
    "Australia/LHI",
    "Australia/NSW",
    "Australia/North",
    "Australia/Queensland",
    "Australia/South",
    "Australia/Tasmania",
    "Australia/Victoria",
    "Australia/West",
    "Australia/Yancowinna",
    "Europe/Belfast",
    "Europe/Kiev",
    "Europe/Nicosia",
    "Europe/Tiraspol",
    "Europe/Uzhgorod",
    "Europe/Zaporozhye",
    "Pacific/Enderbury",
];

/// Area prefixes that are aliases as a whole.
const OLD_AREAS: [&str; 7] = [
    "Etc/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/", "SystemV/",
];

/// Names as people in our markets say them, where the zone's own name
/// (an English spelling of one city) would not do.
const KNOWN_AS: [(&str, &str); 44] = [
    ("America/Sao_Paulo", "Brasília / São Paulo"),
    ("America/Manaus", "Manaus"),
    ("America/Fortaleza", "Fortaleza"),
    ("America/Recife", "Recife"),
    ("America/Bahia", "Salvador (Bahia)"),
    ("America/Belem", "Belém"),
    ("America/Cuiaba", "Cuiabá"),
    ("America/Maceio", "Maceió"),
    ("America/Araguaina", "Araguaína"),
    ("America/Santarem", "Santarém"),
    ("America/Noronha", "Fernando de Noronha"),
    ("America/Eirunepe", "Eirunepé"),
    ("Europe/Madrid", "Madrid"),
    ("Atlantic/Canary", "Canarias"),
    ("Europe/Lisbon", "Lisboa"),
    ("Atlantic/Azores", "Açores"),
    ("America/Mexico_City", "Ciudad de México"),
    ("America/Cancun", "Cancún"),
    ("America/Merida", "Mérida"),
    ("America/Mazatlan", "Mazatlán"),
    ("America/Bogota", "Bogotá"),
    ("America/Santiago", "Santiago de Chile"),
    ("America/Argentina/Buenos_Aires", "Buenos Aires"),
    ("America/Argentina/Cordoba", "Córdoba (Argentina)"),
    ("America/Asuncion", "Asunción"),
    ("America/Guayaquil", "Quito / Guayaquil"),
    ("America/Panama", "Panamá"),
    ("America/Costa_Rica", "San José (Costa Rica)"),
    ("America/El_Salvador", "San Salvador"),
    ("America/Havana", "La Habana"),
    ("America/Puerto_Rico", "San Juan (Puerto Rico)"),
    ("America/New_York", "New York"),
    ("America/Los_Angeles", "Los Angeles"),
    ("Europe/London", "London"),
    ("Africa/Luanda", "Luanda"),
    ("Africa/Maputo", "Maputo"),
    ("Atlantic/Cape_Verde", "Cabo Verde"),
    ("Africa/Sao_Tome", "São Tomé"),
    ("Africa/Bissau", "Bissau"),
    ("Asia/Dili", "Díli"),
    ("Asia/Macau", "Macau"),
    ("Europe/Paris", "Paris"),
    ("Europe/Berlin", "Berlin"),
    ("UTC", "UTC"),
];

/// The zone a business in `country` most likely keeps (its capital's or
/// its most populous region's).
const BY_COUNTRY: [(&str, &str); 30] = [
    ("BR", "America/Sao_Paulo"),
    ("PT", "Europe/Lisbon"),
    ("ES", "Europe/Madrid"),
    ("MX", "America/Mexico_City"),
    ("AR", "America/Argentina/Buenos_Aires"),
    ("CO", "America/Bogota"),
    ("PE", "America/Lima"),
    ("CL", "America/Santiago"),
    ("VE", "America/Caracas"),
    ("UY", "America/Montevideo"),
    ("PY", "America/Asuncion"),
    ("BO", "America/La_Paz"),
    ("EC", "America/Guayaquil"),
    ("PA", "America/Panama"),
    ("CR", "America/Costa_Rica"),
    ("GT", "America/Guatemala"),
    ("SV", "America/El_Salvador"),
    ("HN", "America/Tegucigalpa"),
    ("NI", "America/Managua"),
    ("DO", "America/Santo_Domingo"),
    ("CU", "America/Havana"),
    ("PR", "America/Puerto_Rico"),
    ("US", "America/New_York"),
    ("GB", "Europe/London"),
    ("AO", "Africa/Luanda"),
    ("MZ", "Africa/Maputo"),
    ("CV", "Atlantic/Cape_Verde"),
    ("DE", "Europe/Berlin"),
    ("FR", "Europe/Paris"),
    ("IT", "Europe/Rome"),
];

/// One entry of the picker.
pub struct ZoneChoice {
    pub id: &'static str,
    pub label: String,
    pub selected: bool,
}

/// Whether `name` is a current zone name (not an alias kept for old
/// systems).
pub fn is_current(name: &str) -> bool {
    name == "UTC"
        || (name.contains('/')
            && !OLD_AREAS.iter().any(|area| name.starts_with(area))
            && !OLD_NAMES.contains(&name))
}

/// How the picker names a zone: its known name, else its city and region
/// ("America/Argentina/Salta" → "Salta (Argentina)").
pub fn label(name: &str) -> String {
    if let Some((_, known)) = KNOWN_AS.iter().find(|(id, _)| *id == name) {
        return (*known).to_owned();
    }
    let mut parts = name.rsplit('/');
    let city = parts.next().unwrap_or(name).replace('_', " ");
    match parts.next() {
        Some(region) => format!("{city} ({})", region.replace('_', " ")),
        None => city,
    }
}

/// Every current zone, by name, `selected` marked.
pub fn choices(selected: &str) -> Vec<ZoneChoice> {
    let mut zones: Vec<ZoneChoice> = TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| is_current(name))
        .map(|id| ZoneChoice {
            id,
            label: label(id),
            selected: id == selected,
        })
        .collect();
    zones.sort_by(|a, b| a.label.cmp(&b.label));
    zones
}

/// The zone to offer first: from the WhatsApp number's country, else from
/// the browser's region (`pt-BR` → Brazil); `None` when neither says.
pub fn guess(number: Option<&str>, headers: &HeaderMap) -> Option<&'static str> {
    let from_number = number
        .and_then(|n| phonenumber::parse(None, n).ok())
        .and_then(|n| n.country().id())
        .map(|id| id.as_ref().to_owned());
    let country = from_number.or_else(|| super::phone::browser_region(headers))?;
    BY_COUNTRY
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, zone)| *zone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    #[test]
    fn only_current_names_each_known_to_chrono_tz() {
        let names: Vec<&str> = choices("").iter().map(|z| z.id).collect();
        for old in [
            "America/Buenos_Aires",
            "Africa/Timbuktu",
            "US/Eastern",
            "Etc/GMT+3",
            "EST",
        ] {
            assert!(!names.contains(&old), "{old}");
        }
        for current in [
            "America/Sao_Paulo",
            "Europe/Amsterdam",
            "America/Argentina/Buenos_Aires",
            "UTC",
        ] {
            assert!(names.contains(&current), "{current}");
        }
        let named = KNOWN_AS.iter().map(|(id, _)| *id);
        for id in named.chain(BY_COUNTRY.iter().map(|(_, zone)| *zone)) {
            assert!(id.parse::<Tz>().is_ok() && is_current(id), "{id}");
        }
    }

    #[test]
    fn names_people_recognise() {
        assert_eq!(label("America/Sao_Paulo"), "Brasília / São Paulo");
        assert_eq!(label("America/Argentina/Salta"), "Salta (Argentina)");
        assert_eq!(label("Europe/Amsterdam"), "Amsterdam (Europe)");
    }

    #[test]
    fn the_first_guess_comes_from_the_number_then_the_browser() {
        let mut brazilian = HeaderMap::new();
        brazilian.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            "pt-BR,pt;q=0.9".parse().unwrap(),
        );
        assert_eq!(
            guess(Some("+34612345678"), &brazilian),
            Some("Europe/Madrid")
        );
        assert_eq!(guess(None, &brazilian), Some("America/Sao_Paulo"));
        assert_eq!(
            guess(Some("+5511987654321"), &HeaderMap::new()),
            Some("America/Sao_Paulo")
        );
        assert_eq!(guess(None, &HeaderMap::new()), None);
    }
}
