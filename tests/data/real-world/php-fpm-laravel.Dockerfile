# syntax=docker/dockerfile:1.4
FROM composer:2 AS vendor
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install \
        --no-dev \
        --no-interaction \
        --no-scripts \
        --prefer-dist \
        --ignore-platform-reqs

FROM node:20-alpine AS assets
WORKDIR /app
COPY package*.json vite.config.js ./
RUN npm ci
COPY resources/ resources/
RUN npm run build

FROM php:8.3-fpm-alpine AS app
RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS icu-dev libzip-dev \
 && docker-php-ext-install -j"$(nproc)" intl opcache pdo_mysql zip \
 && pecl install redis-6.0.2 \
 && docker-php-ext-enable redis \
 && runDeps="$( \
        scanelf --needed --nobanner --format '%n#p' --recursive /usr/local/lib/php/extensions \
            | tr ',' '\n' \
            | sort -u \
            | awk 'system("[ -e /usr/local/lib/" $1 " ]") == 0 { next } { print "so:" $1 }' \
    )" \
 && apk add --no-cache $runDeps \
 && apk del .build-deps
COPY <<-'INI' /usr/local/etc/php/conf.d/zz-app.ini
	opcache.enable=1
	opcache.validate_timestamps=0
	memory_limit=256M
	INI
WORKDIR /var/www/html
COPY --chown=www-data:www-data . .
COPY --from=vendor --chown=www-data:www-data /app/vendor/ vendor/
COPY --from=assets /app/public/build/ public/build/
USER www-data
EXPOSE 9000
CMD ["php-fpm", "-F"]
