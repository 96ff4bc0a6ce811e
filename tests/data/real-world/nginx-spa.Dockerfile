FROM node:18-bullseye AS build
WORKDIR /usr/src/app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --network-timeout 600000
COPY . ./
ARG PUBLIC_URL=/
ENV PUBLIC_URL $PUBLIC_URL
RUN yarn build

FROM nginx:1.25-alpine
LABEL maintainer="Web Team <web@example.com>" \
      description="Single page app served by nginx"
COPY --from=build /usr/src/app/build /usr/share/nginx/html
COPY <<EOF /etc/nginx/conf.d/default.conf
server {
    listen       80;
    server_name  _;
    root   /usr/share/nginx/html;
    location / {
        try_files \$uri \$uri/ /index.html;
    }
    location ~* \.(?:css|js|woff2?)$ {
        expires 1y;
        add_header Cache-Control "public, immutable";
    }
}
EOF
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
