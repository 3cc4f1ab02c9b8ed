//! The `geoip_db` locator: the machine's country from a local MaxMind DB, so its address is
//! never sent to a geolocation service.

use crate::error::SetupError;
use crate::place::to_location;
use crate::public_ip::IpSource;
use crate::record::read;
use codecarbon_core::{async_trait, LocateError, Location, Locator};
use maxminddb::{MaxMindDbError, Reader};
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use tokio::sync::OnceCell;

/// A MaxMind DB (`.mmdb`: GeoIP2 / GeoLite2 City or Country, DB-IP lite, `@ip-location-db`
/// country or city databases) and the public IP to look up in it.
///
/// The first good answer is kept for the locator's life.
pub struct DbLocator {
    path: PathBuf,
    reader: Reader<Vec<u8>>,
    ip: IpSource,
    cached: OnceCell<Location>,
}

impl DbLocator {
    /// Loads the database at `path` into memory. A missing, unreadable or corrupt file is a
    /// [`SetupError::Database`] naming the path and the fix.
    pub fn open(path: impl AsRef<Path>, ip: IpSource) -> Result<DbLocator, SetupError> {
        let path = path.as_ref().to_path_buf();
        let reader = Reader::open_readfile(&path).map_err(|e| SetupError::Database {
            path: path.display().to_string(),
            reason: match e {
                MaxMindDbError::Io(io) => format!("cannot read it ({io})"),
                other => format!("not a valid MaxMind DB file ({other})"),
            },
        })?;
        Ok(DbLocator {
            path,
            reader,
            ip,
            cached: OnceCell::new(),
        })
    }

    /// The location of `ip` in the database, without any network access. `Unavailable`
    /// when the address is not in it, or its record has no usable country.
    ///
    /// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is looked up as the IPv4 address,
    /// since databases without IPv4 aliases (DB-IP's) do not find the mapped form.
    pub fn lookup(&self, ip: IpAddr) -> Result<Location, LocateError> {
        let ip = ip.to_canonical();
        let fail = |why: String| {
            LocateError::Unavailable(format!(
                "{ip} {why} in the GeoIP database {}; use a database that covers it, set \
                 public_ip, or set country_iso_code (e.g. --country-iso-code FRA)",
                self.path.display()
            ))
        };
        let result = self
            .reader
            .lookup(ip)
            .map_err(|e| fail(format!("cannot be looked up ({e})")))?;
        if !result.has_data() {
            return Err(fail("is not".into()));
        }
        to_location(&read(&result)).map_err(|why| fail(format!("has no usable country ({why})")))
    }

    /// The database's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for DbLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbLocator")
            .field("path", &self.path)
            .field("database_type", &self.reader.metadata().database_type)
            .field("ip", &self.ip)
            .field("cached", &self.cached.get())
            .finish()
    }
}

#[async_trait]
impl Locator for DbLocator {
    async fn locate(&self) -> Result<Location, LocateError> {
        self.cached
            .get_or_try_init(|| async {
                let ip = self.ip.resolve().await?;
                self.lookup(ip)
            })
            .await
            .cloned()
    }
}
