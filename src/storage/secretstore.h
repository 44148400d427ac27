#pragma once

#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <memory>

namespace vigil {

/// \brief The OS keychain as SecretStore sees it: one secret per (service, key), read, written
/// and removed asynchronously.
///
/// An interface so tests can decide what the keychain answers; createSystemKeychain() returns
/// the real one (QtKeychain). Contract for implementations: `done` is called exactly once per
/// call, on the calling thread (possibly before the call returns), and never after the backend
/// is destroyed.
class KeychainBackend
{
public:
    enum class Outcome {
        Ok,
        NotFound,    ///< no secret under that key (read, remove)
        Unavailable, ///< no keychain service at all: SecretStore switches to its file fallback
        Failed,      ///< a keychain exists but refused or failed (locked, denied, ...)
    };
    struct Result
    {
        Outcome outcome = Outcome::Failed;
        QString secret;    ///< read only
        QString errorText; ///< why, for Unavailable and Failed; never contains the secret
    };
    using Callback = std::function<void(const Result &)>;

    virtual ~KeychainBackend() = default;
    virtual void read(const QString &service, const QString &key, Callback done) = 0;
    virtual void write(const QString &service, const QString &key, const QString &secret,
                       Callback done) = 0;
    virtual void remove(const QString &service, const QString &key, Callback done) = 0;
};

/// The platform keychain through QtKeychain (Secret Service or KWallet on Linux, Keychain on
/// macOS, Credential Manager on Windows). On Linux it first asks the D-Bus session bus, with
/// asynchronous calls, whether a Secret Service or KWallet is running or can be started: QtKeychain
/// 0.13 reports a missing bus or a missing service as an ordinary error, not as "no backend".
[[nodiscard]] std::unique_ptr<KeychainBackend> createSystemKeychain();

/// \brief Server tokens, one per profile: in the OS keychain, or in a private file when the
/// system has no keychain service.
///
/// Tokens never go to QSettings or to a log. Every call returns at once; its result arrives
/// later as tokenRead(), tokenWritten() or tokenRemoved(), always from the event loop (never
/// from inside the call). Calls run one at a time in call order, so a read queued after a
/// write sees the written token. Keychain jobs are asynchronous; the fallback reads or writes
/// one small file (well under a kilobyte) from the event loop of the thread owning the store.
///
/// Backend choice: calls go to the keychain (service "vigil", key = profile name) until the
/// keychain says that no keychain service exists. From then on, for the lifetime of this
/// object, tokens live in `fallbackDir`, one file per profile: the folder is 0700, each file
/// 0600 (set before the token is written, QSaveFile for an atomic replace), and a file that
/// other users could read is refused rather than used. backend() becomes "file" and warning()
/// gets a sentence for the operator. A keychain that exists but fails (locked, access denied)
/// is an error, not a reason to fall back: the token is then not stored anywhere.
///
/// Tokens stored while falling back are not migrated when a keychain appears later; the
/// operator enters them again. Removing or writing a token through the keychain also deletes
/// a leftover fallback file of that profile, so a token never stays behind on disk.
class SecretStore : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString backend READ backend NOTIFY backendChanged)
    Q_PROPERTY(QString warning READ warning NOTIFY backendChanged)

public:
    /// `fallbackDir`: where token files go without a keychain (the app passes
    /// AppConfigLocation + "/tokens"); created on first use. `keychain`: null for the system
    /// keychain.
    explicit SecretStore(const QString &fallbackDir,
                         std::unique_ptr<KeychainBackend> keychain = nullptr,
                         QObject *parent = nullptr);
    ~SecretStore() override;

    /// "keychain" or "file".
    [[nodiscard]] QString backend() const;
    /// Empty with the keychain; with the file fallback a sentence saying where tokens are.
    [[nodiscard]] QString warning() const;
    [[nodiscard]] QString fallbackDir() const { return m_fallbackDir; }
    /// The file that holds (or would hold) `profile`'s token in the fallback. The name is
    /// encoded, so no profile name can point outside fallbackDir().
    [[nodiscard]] QString fallbackFilePath(const QString &profile) const;

    /// Result in tokenRead(): ok with an empty token when none is stored.
    void readToken(const QString &profile);
    /// Result in tokenWritten(). An empty token is refused; use removeToken().
    void writeToken(const QString &profile, const QString &token);
    /// Result in tokenRemoved(): ok also when there was nothing to remove.
    void removeToken(const QString &profile);

Q_SIGNALS:
    void tokenRead(const QString &profile, const QString &token, bool ok, const QString &errorText);
    void tokenWritten(const QString &profile, bool ok, const QString &errorText);
    void tokenRemoved(const QString &profile, bool ok, const QString &errorText);
    void backendChanged();

private:
    enum class Kind { Read, Write, Remove };
    struct Operation
    {
        Kind kind = Kind::Read;
        QString profile;
        QString token;
    };
    struct Reply
    {
        bool ok = false;
        QString token;
        QString errorText;
    };

    void enqueue(Operation op);
    void scheduleNext();
    void startNext();
    void onKeychainResult(const Operation &op, const KeychainBackend::Result &result);
    [[nodiscard]] Reply runOnFile(const Operation &op) const;
    [[nodiscard]] Reply readFile(const QString &profile) const;
    [[nodiscard]] Reply writeFile(const QString &profile, const QString &token) const;
    [[nodiscard]] Reply removeFile(const QString &profile) const;
    [[nodiscard]] bool prepareDirectory(bool create, QString *error) const;
    void useFileFallback(const QString &reason);
    void finish(const Operation &op, const Reply &reply);

    QString m_fallbackDir;
    std::unique_ptr<KeychainBackend> m_keychain;
    bool m_useFile = false;
    std::deque<Operation> m_queue;
    bool m_busy = false;
    bool m_scheduled = false;
};

} // namespace vigil
