#include "secretstore.h"

#include "protocol/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QStringDecoder>

#include <qt6keychain/keychain.h>

#ifdef VIGIL_HAVE_QTDBUS
#include <QDBusConnection>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace vigil {

namespace {

const QString kService = u"vigil"_s;

// Token file: a version line, then the token as base64 (so any token fits on one line and a
// damaged file is recognisable).
const QByteArray kFileHeader = "vigil-token-v1"_ba;
constexpr qint64 kMaxFileBytes = 64 * 1024;
// Longer encoded profile names are hashed to stay well below the file system's name limit.
constexpr qsizetype kMaxEncodedName = 150;

constexpr QFile::Permissions kPrivateDir = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr QFile::Permissions kPrivateFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions kOthersBits = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                           QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

/// "0644" for the operator, from Qt's permission flags.
QString octalMode(QFile::Permissions p)
{
    const int bits = p.toInt();
    const int mode = (((bits >> 12) & 7) << 6) | (((bits >> 4) & 7) << 3) | (bits & 7);
    return u"%1"_s.arg(mode, 4, 8, QLatin1Char('0'));
}

bool ownedByUs(const QFileInfo &info)
{
#ifdef Q_OS_UNIX
    return info.ownerId() == uint(::geteuid());
#else
    Q_UNUSED(info)
    return true;
#endif
}

bool othersHaveAccess(const QFileInfo &info)
{
#ifdef Q_OS_UNIX
    return info.permissions().testAnyFlags(kOthersBits);
#else
    // Elsewhere Qt reports no meaningful group/other bits; the keychain is always there anyway.
    Q_UNUSED(info)
    return false;
#endif
}

// --- The system keychain ------------------------------------------------------------------

KeychainBackend::Result resultOf(const QKeychain::Job &job)
{
    switch (job.error()) {
    case QKeychain::NoError:
        return {KeychainBackend::Outcome::Ok, {}, {}};
    case QKeychain::EntryNotFound:
        return {KeychainBackend::Outcome::NotFound, {}, {}};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return {KeychainBackend::Outcome::Unavailable, {}, job.errorString()};
    default:
        return {KeychainBackend::Outcome::Failed, {}, job.errorString()};
    }
}

class SystemKeychain final : public KeychainBackend
{
public:
    void read(const QString &service, const QString &key, Callback done) override
    {
        whenServiceExists([this, service, key, done](const QString &missing) {
            if (!missing.isEmpty())
                return done({Outcome::Unavailable, {}, missing});
            auto *job = new QKeychain::ReadPasswordJob(service);
            QObject::connect(
                job, &QKeychain::Job::finished, &m_context, [done](QKeychain::Job *finished) {
                    Result result = resultOf(*finished);
                    if (result.outcome == Outcome::Ok)
                        result.secret =
                            static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
                    done(result);
                });
            start(job, key);
        });
    }

    void write(const QString &service, const QString &key, const QString &secret,
               Callback done) override
    {
        whenServiceExists([this, service, key, secret, done](const QString &missing) {
            if (!missing.isEmpty())
                return done({Outcome::Unavailable, {}, missing});
            auto *job = new QKeychain::WritePasswordJob(service);
            job->setTextData(secret);
            QObject::connect(job, &QKeychain::Job::finished, &m_context,
                             [done](QKeychain::Job *finished) { done(resultOf(*finished)); });
            start(job, key);
        });
    }

    void remove(const QString &service, const QString &key, Callback done) override
    {
        whenServiceExists([this, service, key, done](const QString &missing) {
            if (!missing.isEmpty())
                return done({Outcome::Unavailable, {}, missing});
            auto *job = new QKeychain::DeletePasswordJob(service);
            QObject::connect(job, &QKeychain::Job::finished, &m_context,
                             [done](QKeychain::Job *finished) { done(resultOf(*finished)); });
            start(job, key);
        });
    }

private:
    static void start(QKeychain::Job *job, const QString &key)
    {
        // Jobs have no parent and delete themselves when finished: the Secret Service backend
        // calls back into the job from GLib, so it must outlive us. Our connections die with
        // m_context, which is all that has to stop.
        job->setAutoDelete(true);
        // QtKeychain's own fallback writes secrets in clear text to QSettings: never.
        job->setInsecureFallback(false);
        job->setKey(key);
        job->start();
    }

    /// Calls `next` with an empty string when a keychain service can be reached, otherwise
    /// with the reason. Needed because QtKeychain reports a missing session bus or a missing
    /// Secret Service as an ordinary error ("Cannot autolaunch D-Bus without X11 $DISPLAY"),
    /// not as NoBackendAvailable.
    void whenServiceExists(std::function<void(const QString &)> next)
    {
#ifdef VIGIL_HAVE_QTDBUS
        QDBusConnection bus = QDBusConnection::sessionBus();
        if (!bus.isConnected()) {
            next(u"no D-Bus session bus (%1)"_s.arg(bus.lastError().message()));
            return;
        }
        askBus(bus, u"ListNames"_s, [this, bus, next](const QStringList &running) {
            if (offersSecrets(running))
                return next({});
            // Not running yet, but D-Bus may start it on demand.
            askBus(bus, u"ListActivatableNames"_s, [next](const QStringList &startable) {
                next(offersSecrets(startable)
                         ? QString()
                         : u"no Secret Service or KWallet on the D-Bus session bus"_s);
            });
        });
#else
        next({});
#endif
    }

#ifdef VIGIL_HAVE_QTDBUS
    static bool offersSecrets(const QStringList &names)
    {
        return names.contains(u"org.freedesktop.secrets"_s) ||
               names.contains(u"org.kde.kwalletd6"_s) || names.contains(u"org.kde.kwalletd5"_s);
    }

    void askBus(QDBusConnection bus, const QString &method,
                std::function<void(const QStringList &)> answer)
    {
        const QDBusMessage call =
            QDBusMessage::createMethodCall(u"org.freedesktop.DBus"_s, u"/org/freedesktop/DBus"_s,
                                           u"org.freedesktop.DBus"_s, method);
        auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 5000), &m_context);
        QObject::connect(watcher, &QDBusPendingCallWatcher::finished, &m_context,
                         [answer](QDBusPendingCallWatcher *finished) {
                             finished->deleteLater();
                             const QDBusPendingReply<QStringList> reply = *finished;
                             answer(reply.isError() ? QStringList() : reply.value());
                         });
    }
#endif

    QObject m_context;
};

} // namespace

std::unique_ptr<KeychainBackend> createSystemKeychain()
{
    return std::make_unique<SystemKeychain>();
}

// --- SecretStore --------------------------------------------------------------------------

SecretStore::SecretStore(const QString &fallbackDir, std::unique_ptr<KeychainBackend> keychain,
                         QObject *parent)
    : QObject(parent)
    , m_fallbackDir(fallbackDir.isEmpty()
                        ? QString()
                        : QDir::cleanPath(QFileInfo(fallbackDir).absoluteFilePath()))
    , m_keychain(keychain ? std::move(keychain) : createSystemKeychain())
{}

SecretStore::~SecretStore() = default;

QString SecretStore::backend() const
{
    return m_useFile ? u"file"_s : u"keychain"_s;
}

QString SecretStore::warning() const
{
    if (!m_useFile)
        return {};
    return tr("No keychain service is available: tokens are stored in %1, readable only by you.")
        .arg(QDir::toNativeSeparators(m_fallbackDir));
}

QString SecretStore::fallbackFilePath(const QString &profile) const
{
    if (m_fallbackDir.isEmpty())
        return {};
    // Percent-encode everything but letters, digits, '-' and '_': no '/', '\\' or '.' is left,
    // so "../x" or "a/b" stays a plain name inside the folder, and distinct names stay
    // distinct. '~' never survives the encoding, so it can mark the hashed long names.
    const QByteArray utf8 = profile.toUtf8();
    QByteArray name = utf8.toPercentEncoding({}, ".~"_ba);
    if (name.size() > kMaxEncodedName)
        name = '~' + QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex();
    return m_fallbackDir + u'/' + QString::fromLatin1(name) + u".token"_s;
}

void SecretStore::readToken(const QString &profile)
{
    enqueue({Kind::Read, profile, {}});
}

void SecretStore::writeToken(const QString &profile, const QString &token)
{
    enqueue({Kind::Write, profile, token});
}

void SecretStore::removeToken(const QString &profile)
{
    enqueue({Kind::Remove, profile, {}});
}

void SecretStore::enqueue(Operation op)
{
    m_queue.push_back(std::move(op));
    scheduleNext();
}

void SecretStore::scheduleNext()
{
    if (m_scheduled || m_busy || m_queue.empty())
        return;
    // Always through the event loop: no result is ever delivered from inside a call.
    m_scheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_scheduled = false;
            startNext();
        },
        Qt::QueuedConnection);
}

void SecretStore::startNext()
{
    if (m_busy || m_queue.empty())
        return;
    m_busy = true;
    const Operation op = std::move(m_queue.front());
    m_queue.pop_front();

    if (op.profile.isEmpty())
        return finish(op, {false, {}, tr("No server profile was named for the token.")});
    if (op.kind == Kind::Write && op.token.isEmpty())
        return finish(op, {false, {}, tr("The token is empty; nothing was stored.")});
    if (m_useFile)
        return finish(op, runOnFile(op));

    const QPointer<SecretStore> self(this);
    auto done = [self, op](const KeychainBackend::Result &result) {
        if (self)
            self->onKeychainResult(op, result);
    };
    switch (op.kind) {
    case Kind::Read:
        m_keychain->read(kService, op.profile, done);
        break;
    case Kind::Write:
        m_keychain->write(kService, op.profile, op.token, done);
        break;
    case Kind::Remove:
        m_keychain->remove(kService, op.profile, done);
        break;
    }
}

void SecretStore::onKeychainResult(const Operation &op, const KeychainBackend::Result &result)
{
    using Outcome = KeychainBackend::Outcome;
    if (result.outcome == Outcome::Unavailable) {
        useFileFallback(result.errorText);
        return finish(op, runOnFile(op));
    }
    if (result.outcome == Outcome::Failed ||
        (result.outcome == Outcome::NotFound && op.kind == Kind::Write)) {
        QString text;
        switch (op.kind) {
        case Kind::Read:
            text = tr("Could not read the token of %1 from the keychain: %2");
            break;
        case Kind::Write:
            text = tr("Could not store the token of %1 in the keychain: %2");
            break;
        case Kind::Remove:
            text = tr("Could not delete the token of %1 from the keychain: %2");
            break;
        }
        return finish(op, {false, {}, text.arg(op.profile, result.errorText)});
    }
    if (op.kind == Kind::Read)
        return finish(op, {true, result.outcome == Outcome::Ok ? result.secret : QString(), {}});

    // Written to or removed from the keychain: a file left from a session without keychain
    // must not keep an old token on disk.
    const Reply leftover = removeFile(op.profile);
    if (!leftover.ok && op.kind == Kind::Remove)
        return finish(op, leftover);
    if (!leftover.ok)
        qCWarning(lcQueue).noquote() << leftover.errorText;
    finish(op, {true, {}, {}});
}

void SecretStore::useFileFallback(const QString &reason)
{
    if (m_useFile)
        return;
    m_useFile = true;
    qCWarning(lcQueue).noquote()
        << u"No keychain service (%1): server tokens are stored in files in %2"_s.arg(
               reason, QDir::toNativeSeparators(m_fallbackDir));
    Q_EMIT backendChanged();
}

void SecretStore::finish(const Operation &op, const Reply &reply)
{
    m_busy = false;
    if (!reply.ok)
        qCWarning(lcQueue).noquote() << reply.errorText;
    const QPointer<SecretStore> self(this);
    switch (op.kind) {
    case Kind::Read:
        Q_EMIT tokenRead(op.profile, reply.token, reply.ok, reply.errorText);
        break;
    case Kind::Write:
        Q_EMIT tokenWritten(op.profile, reply.ok, reply.errorText);
        break;
    case Kind::Remove:
        Q_EMIT tokenRemoved(op.profile, reply.ok, reply.errorText);
        break;
    }
    if (self)
        scheduleNext();
}

// --- The file fallback --------------------------------------------------------------------

SecretStore::Reply SecretStore::runOnFile(const Operation &op) const
{
    switch (op.kind) {
    case Kind::Read:
        return readFile(op.profile);
    case Kind::Write:
        return writeFile(op.profile, op.token);
    case Kind::Remove:
        return removeFile(op.profile);
    }
    return {};
}

bool SecretStore::prepareDirectory(bool create, QString *error) const
{
    if (m_fallbackDir.isEmpty()) {
        *error = tr("No folder is set for token files, so the token cannot be stored.");
        return false;
    }
    const QString shown = QDir::toNativeSeparators(m_fallbackDir);
    QFileInfo info(m_fallbackDir);
    bool fresh = false;
    if (!info.exists() && !info.isSymLink()) {
        if (!create)
            return true;
        const QDir parent = info.absoluteDir();
        if (!parent.mkpath(u"."_s) || !parent.mkdir(info.fileName(), kPrivateDir)) {
            *error = tr("Could not create the folder %1 for token files.").arg(shown);
            return false;
        }
        fresh = true;
        info = QFileInfo(m_fallbackDir);
    }
    if (info.isSymLink() || !info.isDir()) {
        *error = tr("Refusing to use %1 for token files: it is not a plain folder.").arg(shown);
        return false;
    }
    if (!ownedByUs(info)) {
        *error = tr("Refusing to use %1 for token files: it belongs to another user.").arg(shown);
        return false;
    }
#ifdef Q_OS_UNIX
    // Exactly 0700, whatever the umask was or someone changed since.
    if ((info.permissions() & (kPrivateDir | kOthersBits)) != kPrivateDir) {
        if (!QFile::setPermissions(m_fallbackDir, kPrivateDir)) {
            *error = tr("Could not make the folder %1 private to you.").arg(shown);
            return false;
        }
        if (!fresh)
            qCWarning(lcQueue).noquote() << "The token folder" << shown << "had permissions"
                                         << octalMode(info.permissions()) << "- set to 0700";
    }
#else
    Q_UNUSED(fresh)
#endif
    return true;
}

SecretStore::Reply SecretStore::readFile(const QString &profile) const
{
    if (m_fallbackDir.isEmpty()) // nowhere to store, so nothing stored
        return {true, {}, {}};
    QString error;
    if (!prepareDirectory(false, &error))
        return {false, {}, error};
    const QString path = fallbackFilePath(profile);
    const QString shown = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return {true, {}, {}};
    if (info.isSymLink() || !info.isFile())
        return {
            false, {}, tr("Refusing to use the token file %1: it is not a plain file.").arg(shown)};
    if (!ownedByUs(info))
        return {false,
                {},
                tr("Refusing to use the token file %1: it belongs to another user.").arg(shown)};
    if (othersHaveAccess(info))
        return {false,
                {},
                tr("Refusing to use the token file %1: other users can read it (permissions "
                   "%2). The token may be exposed: revoke it on the server and enter a new one, "
                   "which replaces the file.")
                    .arg(shown, octalMode(info.permissions()))};

    const QString damaged =
        tr("The token file %1 is damaged; enter the token again to replace it.").arg(shown);
    if (info.size() > kMaxFileBytes)
        return {false, {}, damaged};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {
            false, {}, tr("Could not read the token file %1: %2").arg(shown, file.errorString())};
    const QByteArray content = file.read(kMaxFileBytes + 1);
    if (content.trimmed().isEmpty())
        return {false,
                {},
                tr("The token file %1 is empty; enter the token again to replace it.").arg(shown)};

    QList<QByteArray> lines = content.split('\n');
    if (lines.size() == 3 && lines.last().isEmpty())
        lines.removeLast();
    if (lines.size() != 2 || lines.first() != kFileHeader)
        return {false, {}, damaged};
    const auto decoded =
        QByteArray::fromBase64Encoding(lines.last(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return {false, {}, damaged};
    QStringDecoder fromUtf8(QStringDecoder::Utf8);
    QString token = fromUtf8(decoded.decoded);
    if (fromUtf8.hasError())
        return {false, {}, damaged};
    return {true, token, {}};
}

SecretStore::Reply SecretStore::writeFile(const QString &profile, const QString &token) const
{
    QString error;
    if (!prepareDirectory(true, &error))
        return {false, {}, error};
    const QString path = fallbackFilePath(profile);
    const QString shown = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    // QSaveFile would write through a symbolic link to wherever it points.
    if (info.isSymLink() || (info.exists() && !info.isFile()))
        return {
            false, {}, tr("Refusing to use the token file %1: it is not a plain file.").arg(shown)};

    const auto failed = [&shown](const QFileDevice &file) {
        return Reply{
            false, {}, tr("Could not write the token file %1: %2").arg(shown, file.errorString())};
    };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return failed(file);
    // Private before the token is in it (QSaveFile copies the permissions of a file it
    // replaces, which may have been too open).
    if (!file.setPermissions(kPrivateFile)) {
        file.cancelWriting();
        return failed(file);
    }
    const QByteArray content = kFileHeader + '\n' + token.toUtf8().toBase64() + '\n';
    if (file.write(content) != content.size() || !file.commit())
        return failed(file);
    return {true, {}, {}};
}

SecretStore::Reply SecretStore::removeFile(const QString &profile) const
{
    if (m_fallbackDir.isEmpty())
        return {true, {}, {}};
    QString error;
    if (!prepareDirectory(false, &error))
        return {false, {}, error};
    const QString path = fallbackFilePath(profile);
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return {true, {}, {}};
    QFile file(path);
    if (!file.remove())
        return {false,
                {},
                tr("Could not delete the token file %1: %2")
                    .arg(QDir::toNativeSeparators(path), file.errorString())};
    return {true, {}, {}};
}

} // namespace vigil
