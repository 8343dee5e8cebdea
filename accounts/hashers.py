from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended cost (19 MiB, 2 passes, 1 lane).

    Django's default (100 MiB, 8 lanes) costs about 0.4 s of a core per sign-in
    on this hardware; a morning of exam sign-ins on two cores cannot afford it.
    Hashes made with other parameters still verify and are upgraded on sign-in.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
