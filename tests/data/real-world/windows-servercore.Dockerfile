# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS download
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ARG NODE_VERSION=20.11.1
RUN Invoke-WebRequest $('https://nodejs.org/dist/v{0}/node-v{0}-win-x64.zip' -f $env:NODE_VERSION) -OutFile 'node.zip' -UseBasicParsing ; `
    Expand-Archive node.zip -DestinationPath C:\ ; `
    Rename-Item -Path $('C:\node-v{0}-win-x64' -f $env:NODE_VERSION) -NewName 'C:\nodejs'

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
ENV NPM_CONFIG_LOGLEVEL info
COPY --from=download C:\nodejs C:\nodejs
USER ContainerAdministrator
RUN setx /M PATH "%PATH%;C:\nodejs"
USER ContainerUser
WORKDIR C:\app
COPY package.json .
RUN npm install --omit=dev
COPY . .
HEALTHCHECK --interval=1m CMD node healthcheck.js
CMD ["node.exe", "server.js"]
